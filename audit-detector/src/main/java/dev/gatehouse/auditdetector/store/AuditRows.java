package dev.gatehouse.auditdetector.store;

import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.TreeMap;

/**
 * Maps {@code audit_events} rows to chained events. Select {@link #COLUMNS} to use it.
 */
public final class AuditRows {

  /** Every column of {@code audit_events}, in the order used by reads and inserts. */
  public static final String COLUMNS = "node_id, seq, ts, event_id, kind, request_id, decision, reason_key, "
      + "status, subject, workspace, jti, client_address, user_agent, method, route_id, path_template, "
      + "resource_ids, message_type, latency_us, bytes_in, bytes_out, prev_hash, hash, trace_id, "
      + "agent, provider, model, tokens_in, tokens_out, cost_micros";

  private AuditRows() {
  }

  /** The model call of an egress row ({@code tokens_in} is set on those rows only), else null. */
  private static AuditEvent.ModelCall modelCall(Row row) {
    Long tokensIn = row.getLong("tokens_in");
    if (tokensIn == null) {
      return null;
    }
    return new AuditEvent.ModelCall(row.getString("agent"), row.getString("provider"), row.getString("model"),
        tokensIn, row.getLong("tokens_out"), row.getLong("cost_micros"));
  }

  /**
   * Maps one row.
   *
   * @throws IllegalArgumentException (or another runtime exception) if the row does not hold a
   *     valid event, e.g. after someone edited it
   */
  public static ChainedEvent toEvent(Row row) {
    TreeMap<String, String> resources = new TreeMap<>();
    Object resourceValue = row.getValue("resource_ids");
    if (resourceValue instanceof JsonObject json) {
      for (String name : json.fieldNames()) {
        resources.put(name, json.getString(name));
      }
    } else if (resourceValue != null) {
      throw new IllegalArgumentException("resource_ids is not an object");
    }
    AuditEvent event = new AuditEvent(
        row.getUUID("event_id"),
        row.getOffsetDateTime("ts").toInstant(),
        EventKind.fromWireName(row.getString("kind")),
        row.getString("request_id"),
        Decision.fromWireName(row.getString("decision")),
        row.getString("reason_key"),
        row.getInteger("status"),
        row.getString("subject"),
        row.getString("workspace"),
        row.getString("jti"),
        row.getString("client_address"),
        row.getString("user_agent"),
        row.getString("method"),
        row.getString("route_id"),
        row.getString("path_template"),
        resources,
        row.getString("message_type"),
        row.getLong("latency_us"),
        row.getLong("bytes_in"),
        row.getLong("bytes_out"),
        row.getString("trace_id"),
        modelCall(row));
    return new ChainedEvent(
        row.getString("node_id"),
        row.getLong("seq"),
        event,
        ChainHash.of(row.getBuffer("prev_hash").getBytes()),
        ChainHash.of(row.getBuffer("hash").getBytes()));
  }
}
