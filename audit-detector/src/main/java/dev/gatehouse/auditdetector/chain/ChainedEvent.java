package dev.gatehouse.auditdetector.chain;

import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.AuditEventJson;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An audit event at its place in a node's hash chain: the stored and exported form, described by
 * {@code schema/audit-event.schema.json}.
 *
 * @param nodeId the gateway node that recorded the event, {@link #NODE_ID_PATTERN}
 * @param seq position in the node's chain, starting at 1 and without gaps
 * @param event the decision
 * @param prevHash chain hash of event {@code seq - 1} ({@link ChainHash#GENESIS} for seq 1)
 * @param hash {@code SHA-256(prevHash || canonical(event))}; not checked by this constructor
 */
public record ChainedEvent(String nodeId, long seq, AuditEvent event, ChainHash prevHash, ChainHash hash) {

  /** Node ids: stable per gateway process, unique among the nodes sharing a database. */
  public static final Pattern NODE_ID_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** JSON field name. */
  public static final String NODE_ID = "node_id";
  /** JSON field name. */
  public static final String SEQ = "seq";
  /** JSON field name; lowercase hex. */
  public static final String PREV_HASH = "prev_hash";
  /** JSON field name; lowercase hex. */
  public static final String HASH = "hash";

  /**
   * Validates the chain position; the hash is checked by {@code ChainVerifier}, not here.
   *
   * @throws IllegalArgumentException if the node id is invalid or {@code seq < 1}
   */
  public ChainedEvent {
    requireNodeId(nodeId);
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be positive");
    }
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(prevHash, "prevHash");
    Objects.requireNonNull(hash, "hash");
  }

  /**
   * Checks a node id.
   *
   * @throws IllegalArgumentException unless it matches {@link #NODE_ID_PATTERN}
   */
  public static String requireNodeId(String nodeId) {
    if (nodeId == null || !NODE_ID_PATTERN.matcher(nodeId).matches()) {
      throw new IllegalArgumentException("node id must match " + NODE_ID_PATTERN.pattern());
    }
    return nodeId;
  }

  /** The schema document: every field present, absent values as JSON null. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put(NODE_ID, nodeId).put(SEQ, seq);
    AuditEventJson.write(event, json);
    return json.put(PREV_HASH, prevHash.hex()).put(HASH, hash.hex());
  }

  /**
   * Parses a document written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException (or {@link ClassCastException}, {@link NullPointerException})
   *     if the document is not a valid chained event
   */
  public static ChainedEvent fromJson(JsonObject json) {
    return new ChainedEvent(
        json.getString(NODE_ID),
        json.getLong(SEQ),
        AuditEventJson.read(json),
        ChainHash.fromHex(json.getString(PREV_HASH)),
        ChainHash.fromHex(json.getString(HASH)));
  }
}
