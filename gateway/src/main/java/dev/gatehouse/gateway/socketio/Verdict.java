package dev.gatehouse.gateway.socketio;

import java.util.Map;

/**
 * The decision on one client event: allowed with the exact message to forward, or refused with a
 * stable reason key (audit only; the client sees a generic error). {@code messageType} and
 * {@code resourceIds} go to the audit event, never the message content.
 */
record Verdict(boolean allowed, String reason, String messageType, Map<String, String> resourceIds,
    String forward) {

  static final String ALLOWED = "allowed";

  static Verdict allow(String messageType, Map<String, String> resourceIds, String forward) {
    return new Verdict(true, ALLOWED, messageType, resourceIds, forward);
  }

  static Verdict refuse(String reason, String messageType, Map<String, String> resourceIds) {
    return new Verdict(false, reason, messageType, resourceIds, null);
  }

  static Verdict refuse(String reason, String messageType) {
    return refuse(reason, messageType, Map.of());
  }
}
