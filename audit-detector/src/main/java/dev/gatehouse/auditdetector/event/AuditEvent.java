package dev.gatehouse.auditdetector.event;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One gateway decision, as handed to the audit writer. The writer adds the node id, the per-node
 * sequence number and the chain hashes (see {@code dev.gatehouse.auditdetector.chain.ChainedEvent});
 * together they form the document described by {@code schema/audit-event.schema.json}.
 *
 * <p><b>What can never be recorded.</b> There is no field for a token, a secret, a request or
 * message body, a header other than the user agent, or a raw URL: a request is identified by its
 * route id, its path template (which may not contain {@code ?} or {@code #}) and the resource ids
 * the router extracted. Client-controlled text (user agent, resource ids, subject, workspace,
 * token id) is cleaned by the {@link Builder}: credential-shaped substrings are replaced by
 * {@code [redacted]}, control and format characters by {@code ?}, and the value is truncated to
 * its documented maximum in code points.
 *
 * <p><b>Validation.</b> The canonical constructor rejects, with {@link IllegalArgumentException}
 * or {@link NullPointerException}, any value that the schema would reject. It never alters a
 * value except for truncating {@link #timestamp()} to microseconds (the precision PostgreSQL
 * stores, so that the chain hash of a stored row can be recomputed exactly).
 *
 * @param eventId unique id of the event
 * @param timestamp when the decision was made (microsecond precision)
 * @param kind which plane made the decision
 * @param requestId gateway-assigned request id, {@link #REQUEST_ID_PATTERN}
 * @param decision allow or deny
 * @param reasonKey stable reason key, e.g. {@code allowed}, {@code unauthenticated},
 *     {@code malformed}, {@code rate_limited}; {@link #REASON_KEY_PATTERN}
 * @param status HTTP status, or the WebSocket close code for a message decision that closed the
 *     socket; {@code null} when no status was sent
 * @param subject authenticated subject, {@code null} when unauthenticated
 * @param workspace workspace of the principal, {@code null} when unauthenticated
 * @param tokenId {@code jti} of the token used, never the token; {@code null} when none
 * @param clientAddress client IP literal (forwarded addresses only from trusted proxies), or
 *     {@code null}
 * @param userAgent user agent, cleaned and truncated to {@link #USER_AGENT_MAX_LENGTH}, or
 *     {@code null}
 * @param method HTTP method, or {@code null} for WebSocket messages
 * @param routeId id of the policy route the router chose, {@code null} when none matched
 * @param pathTemplate path template of that route, e.g. {@code /api/agents/{agentId}}, or
 *     {@code null}
 * @param resourceIds resource ids extracted from the path, keyed by template variable name
 * @param messageType gateway classification of a WebSocket message, or {@code null}
 * @param latencyMicros time from receipt to decision (or to response end for proxied requests)
 * @param bytesIn request or message bytes received
 * @param bytesOut response bytes sent
 * @param traceId the request's trace id (32 lowercase hex digits) when the gateway traces
 *     requests, else {@code null}; {@link #TRACE_ID_PATTERN}
 * @param modelCall what a model call through the egress listener used, present only on
 *     {@link EventKind#EGRESS} events and always present on them
 */
public record AuditEvent(
    UUID eventId,
    Instant timestamp,
    EventKind kind,
    String requestId,
    Decision decision,
    String reasonKey,
    Integer status,
    String subject,
    String workspace,
    String tokenId,
    String clientAddress,
    String userAgent,
    String method,
    String routeId,
    String pathTemplate,
    SortedMap<String, String> resourceIds,
    String messageType,
    long latencyMicros,
    long bytesIn,
    long bytesOut,
    String traceId,
    ModelCall modelCall) {

  /** Maximum user agent length in code points; longer values are truncated by the builder. */
  public static final int USER_AGENT_MAX_LENGTH = 256;
  /** Maximum length in code points of subject, workspace, token id and resource id values. */
  public static final int IDENTIFIER_MAX_LENGTH = 256;
  /** Maximum length of a path template in code points. */
  public static final int PATH_TEMPLATE_MAX_LENGTH = 512;
  /** Maximum number of resource ids per event. */
  public static final int MAX_RESOURCE_IDS = 16;
  /** Lowest accepted status (HTTP informational). */
  public static final int MIN_STATUS = 100;
  /** Highest accepted status (top of the WebSocket private close-code range). */
  public static final int MAX_STATUS = 4999;

  /** Gateway-assigned request ids. */
  public static final Pattern REQUEST_ID_PATTERN = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  /** Stable reason keys. */
  public static final Pattern REASON_KEY_PATTERN = Pattern.compile("[a-z][a-z0-9_.]{0,63}");
  /** Policy route ids. */
  public static final Pattern ROUTE_ID_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  /** HTTP methods. */
  public static final Pattern METHOD_PATTERN = Pattern.compile("[A-Z]{1,16}");
  /** Path templates: absolute, no query, no fragment, no whitespace. */
  public static final Pattern PATH_TEMPLATE_PATTERN = Pattern.compile("/[^?#\\s]{0,511}");
  /** Resource id names (template variable names). */
  public static final Pattern RESOURCE_NAME_PATTERN = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
  /** Client addresses: IPv4 or IPv6 literals. */
  public static final Pattern CLIENT_ADDRESS_PATTERN = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  /** W3C trace ids. */
  public static final Pattern TRACE_ID_PATTERN = Pattern.compile("[0-9a-f]{32}");
  /** Model provider names: the egress configuration's provider ids. */
  public static final Pattern PROVIDER_PATTERN = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  /** WebSocket message classifications. */
  public static final Pattern MESSAGE_TYPE_PATTERN = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /** Validates every field; see the class documentation. */
  public AuditEvent {
    Objects.requireNonNull(eventId, "eventId");
    timestamp = Objects.requireNonNull(timestamp, "timestamp").truncatedTo(ChronoUnit.MICROS);
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(decision, "decision");
    requireMatch("requestId", Objects.requireNonNull(requestId, "requestId"), REQUEST_ID_PATTERN);
    requireMatch("reasonKey", Objects.requireNonNull(reasonKey, "reasonKey"), REASON_KEY_PATTERN);
    if (status != null && (status < MIN_STATUS || status > MAX_STATUS)) {
      throw new IllegalArgumentException("status out of range");
    }
    requireText("subject", subject, IDENTIFIER_MAX_LENGTH);
    requireText("workspace", workspace, IDENTIFIER_MAX_LENGTH);
    requireText("tokenId", tokenId, IDENTIFIER_MAX_LENGTH);
    requireOptionalMatch("clientAddress", clientAddress, CLIENT_ADDRESS_PATTERN);
    requireText("userAgent", userAgent, USER_AGENT_MAX_LENGTH);
    requireOptionalMatch("method", method, METHOD_PATTERN);
    requireOptionalMatch("routeId", routeId, ROUTE_ID_PATTERN);
    requireOptionalMatch("pathTemplate", pathTemplate, PATH_TEMPLATE_PATTERN);
    requireText("pathTemplate", pathTemplate, PATH_TEMPLATE_MAX_LENGTH);
    resourceIds = validResourceIds(resourceIds);
    requireOptionalMatch("messageType", messageType, MESSAGE_TYPE_PATTERN);
    requireNonNegative("latencyMicros", latencyMicros);
    requireNonNegative("bytesIn", bytesIn);
    requireNonNegative("bytesOut", bytesOut);
    requireOptionalMatch("traceId", traceId, TRACE_ID_PATTERN);
    if ((kind == EventKind.EGRESS) != (modelCall != null)) {
      throw new IllegalArgumentException("a model call belongs to egress events, and only to them");
    }
  }

  /**
   * One model call through the egress listener: nothing of the prompt or the completion, only who
   * called which model and what it cost. A call refused before its body was read names the model
   * {@code null}; tokens and cost are what the provider reported (zero for a refused call).
   *
   * @param agent the agent the egress credential is bound to, or {@code null} when the caller
   *     presented no valid credential
   * @param provider the configured provider id, or {@code null} when none was reached
   * @param model the requested model (client-controlled, cleaned by the {@link Builder}), or
   *     {@code null}
   * @param tokensIn input (prompt) tokens the provider reported
   * @param tokensOut output (completion) tokens the provider reported
   * @param costMicros the call's price from the price table, in millionths of the price unit
   */
  public record ModelCall(String agent, String provider, String model, long tokensIn, long tokensOut,
      long costMicros) {

    /** Validates every field, like the event's own. */
    public ModelCall {
      requireText("agent", agent, IDENTIFIER_MAX_LENGTH);
      requireOptionalMatch("provider", provider, PROVIDER_PATTERN);
      requireText("model", model, IDENTIFIER_MAX_LENGTH);
      requireNonNegative("tokensIn", tokensIn);
      requireNonNegative("tokensOut", tokensOut);
      requireNonNegative("costMicros", costMicros);
    }
  }

  /**
   * Starts an event for a decision. The event id defaults to a random UUID and the timestamp to
   * the system clock; everything not set stays {@code null} (or zero, or empty).
   */
  public static Builder builder(EventKind kind, Decision decision, String reasonKey) {
    return new Builder(kind, decision, reasonKey);
  }

  private static SortedMap<String, String> validResourceIds(Map<String, String> resourceIds) {
    if (resourceIds == null || resourceIds.isEmpty()) {
      return Collections.emptySortedMap();
    }
    if (resourceIds.size() > MAX_RESOURCE_IDS) {
      throw new IllegalArgumentException("too many resource ids");
    }
    TreeMap<String, String> copy = new TreeMap<>();
    for (Map.Entry<String, String> entry : resourceIds.entrySet()) {
      requireMatch("resource id name", Objects.requireNonNull(entry.getKey(), "resource id name"),
          RESOURCE_NAME_PATTERN);
      String value = Objects.requireNonNull(entry.getValue(), "resource id value");
      if (value.isEmpty()) {
        throw new IllegalArgumentException("resource id value is empty");
      }
      requireText("resource id value", value, IDENTIFIER_MAX_LENGTH);
      copy.put(entry.getKey(), value);
    }
    return Collections.unmodifiableSortedMap(copy);
  }

  private static void requireMatch(String field, String value, Pattern pattern) {
    if (!pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(field + " does not match " + pattern.pattern());
    }
  }

  private static void requireOptionalMatch(String field, String value, Pattern pattern) {
    if (value != null) {
      requireMatch(field, value, pattern);
    }
  }

  private static void requireText(String field, String value, int maxCodePoints) {
    if (value == null) {
      return;
    }
    if (value.codePointCount(0, value.length()) > maxCodePoints) {
      throw new IllegalArgumentException(field + " longer than " + maxCodePoints);
    }
    if (value.codePoints().anyMatch(TextCleaner::isUnsafe)) {
      throw new IllegalArgumentException(field + " contains control characters");
    }
  }

  private static void requireNonNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " is negative");
    }
  }

  /**
   * Mutable builder; not thread-safe. Client-controlled text is cleaned (see {@link AuditEvent});
   * gateway-controlled values (request id, reason key, route id, method, path template, client
   * address, message type) are validated by {@link #build()}.
   */
  public static final class Builder {
    private UUID eventId;
    private Instant timestamp;
    private Clock clock = Clock.systemUTC();
    private final EventKind kind;
    private final Decision decision;
    private final String reasonKey;
    private String requestId;
    private Integer status;
    private String subject;
    private String workspace;
    private String tokenId;
    private String clientAddress;
    private String userAgent;
    private String method;
    private String routeId;
    private String pathTemplate;
    private final TreeMap<String, String> resourceIds = new TreeMap<>();
    private String messageType;
    private long latencyMicros;
    private long bytesIn;
    private long bytesOut;
    private String traceId;
    private ModelCall modelCall;

    private Builder(EventKind kind, Decision decision, String reasonKey) {
      this.kind = kind;
      this.decision = decision;
      this.reasonKey = reasonKey;
    }

    /** Sets the event id (default: a random UUID). */
    public Builder eventId(UUID value) {
      this.eventId = value;
      return this;
    }

    /** Sets the decision time (default: {@code clock.instant()} at {@link #build()}). */
    public Builder timestamp(Instant value) {
      this.timestamp = value;
      return this;
    }

    /** Sets the clock used when no timestamp is given. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** Sets the gateway-assigned request id (required). */
    public Builder requestId(String value) {
      this.requestId = value;
      return this;
    }

    /** Sets the HTTP status or WebSocket close code. */
    public Builder status(Integer value) {
      this.status = value;
      return this;
    }

    /** Sets subject, workspace and token id of an authenticated principal (each cleaned). */
    public Builder principal(String subject, String workspace, String tokenId) {
      this.subject = TextCleaner.clean(subject, IDENTIFIER_MAX_LENGTH);
      this.workspace = TextCleaner.clean(workspace, IDENTIFIER_MAX_LENGTH);
      this.tokenId = TextCleaner.clean(tokenId, IDENTIFIER_MAX_LENGTH);
      return this;
    }

    /** Sets the client IP literal, already resolved through the trusted-proxy list. */
    public Builder clientAddress(String value) {
      this.clientAddress = value;
      return this;
    }

    /** Sets the user agent; cleaned and truncated to {@link #USER_AGENT_MAX_LENGTH}. */
    public Builder userAgent(String value) {
      this.userAgent = TextCleaner.clean(value, USER_AGENT_MAX_LENGTH);
      return this;
    }

    /** Sets the HTTP method. */
    public Builder method(String value) {
      this.method = value;
      return this;
    }

    /** Sets the matched route: its id and path template. */
    public Builder route(String routeId, String pathTemplate) {
      this.routeId = routeId;
      this.pathTemplate = pathTemplate;
      return this;
    }

    /** Adds one resource id taken from the path; the value is cleaned. */
    public Builder resourceId(String name, String value) {
      String cleaned = TextCleaner.clean(value, IDENTIFIER_MAX_LENGTH);
      if (cleaned != null && !cleaned.isEmpty()) {
        resourceIds.put(name, cleaned);
      }
      return this;
    }

    /** Sets the gateway's classification of a WebSocket message. */
    public Builder messageType(String value) {
      this.messageType = value;
      return this;
    }

    /** Sets the latency in microseconds. */
    public Builder latencyMicros(long value) {
      this.latencyMicros = value;
      return this;
    }

    /** Sets the bytes received and sent. */
    public Builder bytes(long in, long out) {
      this.bytesIn = in;
      this.bytesOut = out;
      return this;
    }

    /** The request's trace id, when the gateway traces requests. */
    public Builder traceId(String value) {
      this.traceId = value;
      return this;
    }

    /** Sets the model call of an egress event. */
    public Builder modelCall(ModelCall value) {
      this.modelCall = value;
      return this;
    }

    /**
     * Sets the model call of an egress event from raw values; agent and model are cleaned (the
     * model name comes from the caller's request body). See {@link ModelCall} for the fields.
     */
    public Builder modelCall(String agent, String provider, String model, long tokensIn, long tokensOut,
        long costMicros) {
      this.modelCall = new ModelCall(TextCleaner.clean(agent, IDENTIFIER_MAX_LENGTH), provider,
          TextCleaner.clean(model, IDENTIFIER_MAX_LENGTH), tokensIn, tokensOut, costMicros);
      return this;
    }

    /**
     * Builds the event.
     *
     * @throws IllegalArgumentException if a gateway-controlled value is invalid
     * @throws NullPointerException if kind, decision, reason key or request id is missing
     */
    public AuditEvent build() {
      return new AuditEvent(
          eventId != null ? eventId : UUID.randomUUID(),
          timestamp != null ? timestamp : clock.instant(),
          kind, requestId, decision, reasonKey, status, subject, workspace, tokenId, clientAddress,
          userAgent, method, routeId, pathTemplate, resourceIds, messageType, latencyMicros,
          bytesIn, bytesOut, traceId, modelCall);
    }
  }
}
