package dev.gatehouse.auditdetector.query;

import dev.gatehouse.auditdetector.chain.CanonicalEncoding;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Keyset position in the (ts, node_id, seq) order: the last event of a page. Encoded as an
 * opaque base64url token. A cursor only moves the position; the filter (and with it any
 * workspace restriction) is always applied, so a forged cursor reveals nothing.
 */
record AuditCursor(long tsMicros, String nodeId, long seq) {

  private static final int MAX_TOKEN_LENGTH = 256;

  static AuditCursor after(ChainedEvent event) {
    return new AuditCursor(CanonicalEncoding.epochMicros(event.event().timestamp()), event.nodeId(), event.seq());
  }

  Instant timestamp() {
    return Instant.EPOCH.plusNanos(Math.multiplyExact(tsMicros, 1_000L));
  }

  String encode() {
    String json = new JsonObject().put("t", tsMicros).put("n", nodeId).put("s", seq).encode();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Parses a token made by {@link #encode()}.
   *
   * @throws IllegalArgumentException if the token is malformed
   */
  static AuditCursor decode(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      throw new IllegalArgumentException("invalid cursor");
    }
    try {
      JsonObject json = new JsonObject(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
      if (json.size() != 3) {
        throw new IllegalArgumentException("invalid cursor");
      }
      long seq = json.getLong("s");
      if (seq < 1) {
        throw new IllegalArgumentException("invalid cursor");
      }
      return new AuditCursor(json.getLong("t"), ChainedEvent.requireNodeId(json.getString("n")), seq);
    } catch (DecodeException | ClassCastException | NullPointerException | ArithmeticException e) {
      throw new IllegalArgumentException("invalid cursor", e);
    }
  }
}
