package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.Version;
import dev.gatehouse.gateway.audit.DecisionAudit;
import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.gateway.store.Database;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.time.Duration;
import java.time.Instant;

/**
 * The admin plane ({@code /admin/v1}), served on its own listener. Every route requires an admin
 * credential; unknown paths are a generic JSON 404.
 */
public final class AdminApi {

  public static final String PREFIX = "/admin/v1";

  private final Database database;
  private final String nodeId;
  private final String upstream;
  private final String signatureProvider;
  private final Instant started = Instant.now();

  /** {@code signatureProvider} is what status reports as the provider of ES256 signatures. */
  public AdminApi(Database database, String nodeId, String upstream, String signatureProvider) {
    this.database = database;
    this.nodeId = nodeId;
    this.upstream = upstream;
    this.signatureProvider = signatureProvider;
  }

  /**
   * The admin router: an audit event for every request first, then a bounded body handler (bodies are read before authentication so
   * they are not lost), then the authenticator in front of every route, then the route groups.
   */
  public Router router(Vertx vertx, DecisionAudit audit, AdminAuthenticator authenticator, List<AdminRoutes> groups) {
    Router router = Router.router(vertx);
    router.route().handler(new AdminAudit(audit));
    router.route(PREFIX + "/*").handler(BodyHandler.create().setBodyLimit(AdminReplies.MAX_BODY_BYTES));
    router.route(PREFIX + "/*").handler(authenticator);
    router.get(PREFIX + "/status").handler(this::status);
    groups.forEach(group -> group.mount(router));
    router.errorHandler(404, ctx -> error(ctx, ErrorBody.NOT_FOUND));
    router.errorHandler(405, ctx -> error(ctx, ErrorBody.NOT_FOUND));
    router.errorHandler(413, ctx -> error(ctx, ErrorBody.PAYLOAD_TOO_LARGE));
    router.errorHandler(500, ctx -> error(ctx, ErrorBody.SERVICE_UNAVAILABLE));
    return router;
  }

  private void status(RoutingContext ctx) {
    database.ping().onComplete(ping -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, ErrorBody.CONTENT_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, ErrorBody.NO_STORE)
        .end(new JsonObject()
            .put("status", "ok")
            .put("version", Version.current())
            .put("nodeId", nodeId)
            .put("upstream", upstream)
            .put("database", ping.succeeded() ? "up" : "down")
            .put("signatureProvider", signatureProvider)
            .put("uptimeSeconds", Duration.between(started, Instant.now()).toSeconds())
            .toBuffer()));
  }

  private static void error(RoutingContext ctx, ErrorBody error) {
    error.prepare(ctx.response()).end(error.body());
  }
}
