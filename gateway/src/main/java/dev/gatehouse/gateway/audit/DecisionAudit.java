package dev.gatehouse.gateway.audit;

import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import dev.gatehouse.auditdetector.writer.AuditWriter;
import dev.gatehouse.gateway.pipeline.Exchange;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;

/**
 * Turns each finished exchange into exactly one audit event. Only decision metadata is
 * recorded: route id, path template and path parameters, never the raw target, query string,
 * headers or body.
 */
public final class DecisionAudit {

  private final AuditWriter writer;

  public DecisionAudit(AuditWriter writer) {
    this.writer = writer;
  }

  /** False once the writer can no longer guarantee the event is kept: refuse the request (503). */
  public boolean admitting() {
    return writer.admitting();
  }

  public void record(Exchange exchange, HttpServerRequest request) {
    AuditEvent.Builder event = AuditEvent.builder(
            request.canUpgradeToWebSocket() ? EventKind.WEBSOCKET : EventKind.HTTP,
            exchange.allowed() ? Decision.ALLOW : Decision.DENY,
            exchange.reason())
        .requestId(exchange.requestId())
        .status(request.response().getStatusCode())
        .clientAddress(exchange.clientAddress())
        .userAgent(exchange.userAgent())
        .method(exchange.method())
        .latencyMicros((System.nanoTime() - exchange.startedNanos()) / 1_000)
        .bytes(request.bytesRead(), request.response().bytesWritten());
    exchange.principal().ifPresent(p -> event.principal(p.subject(), p.workspace(), p.jti()));
    exchange.route().ifPresent(match -> {
      event.route(match.routeId(), match.template());
      for (Map.Entry<String, String> param : match.params().entrySet()) {
        event.resourceId(param.getKey(), param.getValue());
      }
    });
    writer.record(event.build());
  }
}
