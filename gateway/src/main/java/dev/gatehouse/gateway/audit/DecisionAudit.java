package dev.gatehouse.gateway.audit;

import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import dev.gatehouse.auditdetector.writer.AuditSink;
import dev.gatehouse.gateway.pipeline.Exchange;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each finished exchange of the main listener into exactly one audit event. Only decision metadata is
 * recorded: route id, path template, path parameters and the resource ids the isolation stage
 * checked (query and body fields by name), never the raw target, query string, headers or body.
 */
public final class DecisionAudit {

  private static final Logger LOG = LoggerFactory.getLogger(DecisionAudit.class);

  private final AuditSink writer;

  public DecisionAudit(AuditSink writer) {
    this.writer = writer;
  }

  /** False once the writer can no longer guarantee the event is kept: refuse the request (503). */
  public boolean admitting() {
    return writer.admitting();
  }

  /**
   * Records the exchange's event. Never throws: a value the event schema cannot hold (a
   * client-chosen method such as {@code get}, an address with a zone id) is left out rather
   * than costing the event, and should building still fail, a minimal event with only
   * gateway-controlled fields is recorded instead.
   */
  public void record(Exchange exchange, HttpServerRequest request) {
    AuditEvent event;
    try {
      event = full(exchange, request);
    } catch (IllegalArgumentException e) {
      LOG.warn("audit event reduced to its minimal form: requestId={} problem={}", exchange.requestId(),
          e.getMessage());
      event = minimal(exchange, request).build();
    }
    writer.record(event);
  }

  /** Records an event built elsewhere (the admin plane's); never blocks or throws. */
  public void record(AuditEvent event) {
    writer.record(event);
  }

  private static AuditEvent full(Exchange exchange, HttpServerRequest request) {
    AuditEvent.Builder event = minimal(exchange, request)
        .clientAddress(matching(exchange.clientAddress(), AuditEvent.CLIENT_ADDRESS_PATTERN))
        .userAgent(exchange.userAgent())
        .method(matching(exchange.method(), AuditEvent.METHOD_PATTERN));
    exchange.principal().ifPresent(p -> event.principal(p.subject(), p.workspace(), p.jti()));
    exchange.route().ifPresent(match -> {
      event.route(match.routeId(), match.template());
      for (Map.Entry<String, String> param : match.params().entrySet()) {
        event.resourceId(param.getKey(), param.getValue());
      }
    });
    exchange.boundResources().forEach(event::resourceId);
    return event.build();
  }

  private static AuditEvent.Builder minimal(Exchange exchange, HttpServerRequest request) {
    int status = exchange.unanswered() ? 0 : request.response().getStatusCode();
    return AuditEvent.builder(
            request.canUpgradeToWebSocket() ? EventKind.WEBSOCKET : EventKind.HTTP,
            exchange.allowed() ? Decision.ALLOW : Decision.DENY,
            exchange.reason())
        .requestId(exchange.requestId())
        .traceId(exchange.trace().traceId().orElse(null))
        .status(status >= AuditEvent.MIN_STATUS && status <= AuditEvent.MAX_STATUS ? status : null)
        .latencyMicros((System.nanoTime() - exchange.startedNanos()) / 1_000)
        .bytes(request.bytesRead(), request.response().bytesWritten());
  }

  private static String matching(String value, Pattern pattern) {
    return value != null && pattern.matcher(value).matches() ? value : null;
  }
}
