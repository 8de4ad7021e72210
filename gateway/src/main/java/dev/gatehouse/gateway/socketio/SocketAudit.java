package dev.gatehouse.gateway.socketio;

import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import dev.gatehouse.gateway.audit.DecisionAudit;
import dev.gatehouse.gateway.authn.Principal;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit events of one socket: one per decision (CONNECT, each client event, each close the
 * gateway makes), kind {@code websocket}, request id {@code <upgrade request id>:<n>}, route
 * {@link SocketIoEndpoint#ROUTE_ID}, the message type and the resource ids the decision was
 * about. Never the message content. Confined to the socket's event loop.
 */
final class SocketAudit {

  private static final Logger LOG = LoggerFactory.getLogger(SocketAudit.class);

  private final DecisionAudit audit;
  private final SocketIoEndpoint.Handshake handshake;
  private Principal principal;
  private long sequence;

  SocketAudit(DecisionAudit audit, SocketIoEndpoint.Handshake handshake) {
    this.audit = audit;
    this.handshake = handshake;
    this.principal = handshake.principal().orElse(null);
  }

  void principal(Principal who) {
    this.principal = who;
  }

  boolean admitting() {
    return audit.admitting();
  }

  /**
   * @param status the WebSocket close code when this decision closed the socket, else null
   */
  void record(boolean allowed, String reason, String messageType, Map<String, String> resourceIds, Integer status,
      long bytesIn, long bytesOut, long startedNanos) {
    String requestId = handshake.requestId() + ":" + (++sequence);
    AuditEvent.Builder event = AuditEvent.builder(EventKind.WEBSOCKET, allowed ? Decision.ALLOW : Decision.DENY, reason)
        .requestId(requestId)
        .status(status)
        .route(SocketIoEndpoint.ROUTE_ID, SocketIoEndpoint.PATH)
        .messageType(messageType)
        .latencyMicros(Math.max(0, (System.nanoTime() - startedNanos) / 1_000))
        .bytes(bytesIn, bytesOut);
    event.userAgent(handshake.userAgent());
    if (AuditEvent.CLIENT_ADDRESS_PATTERN.matcher(handshake.clientAddress()).matches()) {
      event.clientAddress(handshake.clientAddress());
    }
    if (principal != null) {
      event.principal(principal.subject(), principal.workspace(), principal.jti());
    }
    resourceIds.forEach(event::resourceId);
    AuditEvent built;
    try {
      built = event.build();
    } catch (IllegalArgumentException e) {
      LOG.warn("socket audit event reduced to its minimal form: requestId={} problem={}", requestId, e.getMessage());
      built = AuditEvent.builder(EventKind.WEBSOCKET, allowed ? Decision.ALLOW : Decision.DENY, reason)
          .requestId(requestId)
          .status(status)
          .build();
    }
    audit.record(built);
  }
}
