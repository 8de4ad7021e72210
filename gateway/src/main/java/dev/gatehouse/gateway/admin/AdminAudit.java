package dev.gatehouse.gateway.admin;

import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import dev.gatehouse.gateway.accesslog.RequestId;
import dev.gatehouse.gateway.audit.DecisionAudit;
import dev.gatehouse.gateway.authn.BearerAuthenticator;
import dev.gatehouse.gateway.authn.Principal;
import dev.gatehouse.gateway.errors.ErrorBody;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One audit event of kind {@code admin} for every admin-plane request, allowed or refused: who
 * (the bootstrap credential as subject {@value #BOOTSTRAP_SUBJECT}, or the token's subject,
 * workspace and jti), which route template, the status. Mounted first, so refusals by the
 * authenticator are recorded too. The one exception: a scrape that a {@value MetricsRoutes#READ_SCOPE}
 * token was admitted to and that succeeded is not recorded (a scraper calls every few seconds, day
 * and night; its refusals, and every request with any other credential, are). When the audit trail cannot keep the event, the request is
 * refused with 503 before anything else runs.
 */
final class AdminAudit implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(AdminAudit.class);
  static final String ROUTE_ID = "admin";
  static final String BOOTSTRAP_SUBJECT = "admin:bootstrap";

  private final DecisionAudit audit;

  AdminAudit(DecisionAudit audit) {
    this.audit = audit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addEndHandler(ended -> record(ctx, started));
    if (!audit.admitting()) {
      ErrorBody.SERVICE_UNAVAILABLE.prepare(ctx.response()).end(ErrorBody.SERVICE_UNAVAILABLE.body());
      return;
    }
    ctx.next();
  }

  private void record(RoutingContext ctx, long started) {
    int status = ctx.response().getStatusCode();
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    if (access != null && access.metricsOnly() && status < 400) {
      return;
    }
    AuditEvent.Builder event = AuditEvent.builder(EventKind.ADMIN, status < 400 ? Decision.ALLOW : Decision.DENY,
            reason(status))
        .requestId(ctx.request().getHeader(RequestId.HEADER))
        .status(status)
        .clientAddress(ctx.request().remoteAddress().hostAddress())
        .userAgent(ctx.request().getHeader(HttpHeaders.USER_AGENT))
        .method(ctx.request().method().name())
        .latencyMicros((System.nanoTime() - started) / 1_000)
        .bytes(ctx.request().bytesRead(), ctx.response().bytesWritten());
    Route route = ctx.currentRoute();
    if (route != null && route.getPath() != null) {
      event.route(ROUTE_ID, route.getPath());
    }
    Principal principal = ctx.get(BearerAuthenticator.PRINCIPAL);
    if (principal != null) {
      event.principal(principal.subject(), principal.workspace(), principal.jti());
    } else if (ctx.get(AdminAuthenticator.ACCESS) != null) {
      event.principal(BOOTSTRAP_SUBJECT, null, null);
    }
    try {
      audit.record(event.build());
    } catch (IllegalArgumentException e) {
      LOG.warn("admin audit event not built: requestId={} problem={}", ctx.request().getHeader(RequestId.HEADER),
          e.getMessage());
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 401 -> ErrorBody.UNAUTHORIZED.key();
      case 403 -> ErrorBody.FORBIDDEN.key();
      case 404, 405 -> ErrorBody.NOT_FOUND.key();
      case 503 -> ErrorBody.SERVICE_UNAVAILABLE.key();
      default -> status < 400 ? "allowed" : "admin_refused";
    };
  }
}
