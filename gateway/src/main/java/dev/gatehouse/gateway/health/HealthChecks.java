package dev.gatehouse.gateway.health;

import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.gateway.store.Database;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * {@code GET /healthz}: the process is alive (always 200 while it serves).
 * {@code GET /readyz}: 200 only when PostgreSQL answers and an upstream is configured, else 503
 * with which check failed — load balancers take a not-ready node out of rotation.
 */
public final class HealthChecks {

  public static final String LIVE_PATH = "/healthz";
  public static final String READY_PATH = "/readyz";

  private final Database database;
  private final boolean upstreamConfigured;

  public HealthChecks(Database database, boolean upstreamConfigured) {
    this.database = database;
    this.upstreamConfigured = upstreamConfigured;
  }

  public void live(HttpServerRequest request) {
    send(request, 200, new JsonObject().put("status", "alive"));
  }

  public void ready(HttpServerRequest request) {
    database.ping().onComplete(ping -> {
      boolean ready = ping.succeeded() && upstreamConfigured;
      JsonObject checks = new JsonObject()
          .put("database", ping.succeeded() ? "up" : "down")
          .put("upstream", upstreamConfigured ? "configured" : "missing");
      send(request, ready ? 200 : 503,
          new JsonObject().put("status", ready ? "ready" : "not_ready").put("checks", checks));
    });
  }

  private static void send(HttpServerRequest request, int status, JsonObject body) {
    request.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, ErrorBody.CONTENT_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, ErrorBody.NO_STORE)
        .end(body.toBuffer());
  }
}
