package dev.gatehouse.auditdetector.event;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * JSON field names and codec for the decision fields of an audit event, as defined by
 * {@code schema/audit-event.schema.json}. Every field is always present; absent values are
 * written as JSON {@code null} so that every document has the same shape.
 */
public final class AuditEventJson {

  /** JSON field name. */
  public static final String EVENT_ID = "event_id";
  /** JSON field name; RFC 3339 UTC timestamp with up to microsecond precision. */
  public static final String TIMESTAMP = "ts";
  /** JSON field name. */
  public static final String KIND = "kind";
  /** JSON field name. */
  public static final String REQUEST_ID = "request_id";
  /** JSON field name. */
  public static final String DECISION = "decision";
  /** JSON field name. */
  public static final String REASON_KEY = "reason_key";
  /** JSON field name. */
  public static final String STATUS = "status";
  /** JSON field name. */
  public static final String SUBJECT = "subject";
  /** JSON field name. */
  public static final String WORKSPACE = "workspace";
  /** JSON field name of the token id ({@code jti}). */
  public static final String TOKEN_ID = "jti";
  /** JSON field name. */
  public static final String CLIENT_ADDRESS = "client_address";
  /** JSON field name. */
  public static final String USER_AGENT = "user_agent";
  /** JSON field name. */
  public static final String METHOD = "method";
  /** JSON field name. */
  public static final String ROUTE_ID = "route_id";
  /** JSON field name. */
  public static final String PATH_TEMPLATE = "path_template";
  /** JSON field name. */
  public static final String RESOURCE_IDS = "resource_ids";
  /** JSON field name. */
  public static final String MESSAGE_TYPE = "message_type";
  /** JSON field name. */
  public static final String LATENCY_MICROS = "latency_us";
  /** JSON field name. */
  public static final String BYTES_IN = "bytes_in";
  /** JSON field name. */
  public static final String BYTES_OUT = "bytes_out";
  /** Field name; present only on events of a traced request. */
  public static final String TRACE_ID = "trace_id";
  /** Field name; this and the next five are present only on egress events. */
  public static final String AGENT = "agent";
  /** Field name of the egress provider id. */
  public static final String PROVIDER = "provider";
  /** Field name of the requested model. */
  public static final String MODEL = "model";
  /** Field name of the input tokens the provider reported. */
  public static final String TOKENS_IN = "tokens_in";
  /** Field name of the output tokens the provider reported. */
  public static final String TOKENS_OUT = "tokens_out";
  /** Field name of the call's price in millionths. */
  public static final String COST_MICROS = "cost_micros";

  private AuditEventJson() {
  }

  /** Writes the decision fields of {@code event} into {@code json}. */
  public static JsonObject write(AuditEvent event, JsonObject json) {
    JsonObject resources = new JsonObject();
    event.resourceIds().forEach(resources::put);
    if (event.traceId() != null) {
      json.put(TRACE_ID, event.traceId());
    }
    AuditEvent.ModelCall call = event.modelCall();
    if (call != null) {
      json.put(AGENT, call.agent()).put(PROVIDER, call.provider()).put(MODEL, call.model())
          .put(TOKENS_IN, call.tokensIn()).put(TOKENS_OUT, call.tokensOut()).put(COST_MICROS, call.costMicros());
    }
    return json
        .put(EVENT_ID, event.eventId().toString())
        .put(TIMESTAMP, event.timestamp().toString())
        .put(KIND, event.kind().wireName())
        .put(REQUEST_ID, event.requestId())
        .put(DECISION, event.decision().wireName())
        .put(REASON_KEY, event.reasonKey())
        .put(STATUS, event.status())
        .put(SUBJECT, event.subject())
        .put(WORKSPACE, event.workspace())
        .put(TOKEN_ID, event.tokenId())
        .put(CLIENT_ADDRESS, event.clientAddress())
        .put(USER_AGENT, event.userAgent())
        .put(METHOD, event.method())
        .put(ROUTE_ID, event.routeId())
        .put(PATH_TEMPLATE, event.pathTemplate())
        .put(RESOURCE_IDS, resources)
        .put(MESSAGE_TYPE, event.messageType())
        .put(LATENCY_MICROS, event.latencyMicros())
        .put(BYTES_IN, event.bytesIn())
        .put(BYTES_OUT, event.bytesOut());
  }

  /**
   * Reads the decision fields written by {@link #write}; other fields are ignored.
   *
   * @throws IllegalArgumentException or {@link ClassCastException} or
   *     {@link NullPointerException} if a field is missing or invalid
   */
  public static AuditEvent read(JsonObject json) {
    Map<String, String> resources = new TreeMap<>();
    JsonObject resourceJson = json.getJsonObject(RESOURCE_IDS);
    if (resourceJson != null) {
      for (String name : resourceJson.fieldNames()) {
        resources.put(name, resourceJson.getString(name));
      }
    }
    return new AuditEvent(
        UUID.fromString(json.getString(EVENT_ID)),
        Instant.parse(json.getString(TIMESTAMP)),
        EventKind.fromWireName(json.getString(KIND)),
        json.getString(REQUEST_ID),
        Decision.fromWireName(json.getString(DECISION)),
        json.getString(REASON_KEY),
        json.getInteger(STATUS),
        json.getString(SUBJECT),
        json.getString(WORKSPACE),
        json.getString(TOKEN_ID),
        json.getString(CLIENT_ADDRESS),
        json.getString(USER_AGENT),
        json.getString(METHOD),
        json.getString(ROUTE_ID),
        json.getString(PATH_TEMPLATE),
        new TreeMap<>(resources),
        json.getString(MESSAGE_TYPE),
        json.getLong(LATENCY_MICROS),
        json.getLong(BYTES_IN),
        json.getLong(BYTES_OUT),
        json.getString(TRACE_ID),
        json.containsKey(TOKENS_IN) ? new AuditEvent.ModelCall(json.getString(AGENT), json.getString(PROVIDER),
            json.getString(MODEL), json.getLong(TOKENS_IN), json.getLong(TOKENS_OUT), json.getLong(COST_MICROS))
            : null);
  }
}
