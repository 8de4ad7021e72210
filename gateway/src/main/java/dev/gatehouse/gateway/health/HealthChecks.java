package dev.gatehouse.gateway.health;

import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.gateway.store.Database;
import io.vertx.core.CompositeFuture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.net.URI;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /healthz}: the process is alive (always 200 while it serves).
 * {@code GET /readyz}: 200 only when this node can serve requests, else 503 with the checks that
 * failed, so that load balancers take it out of rotation:
 * <ul>
 *   <li>{@code database}: PostgreSQL answers;</li>
 *   <li>{@code changeFeed}: the revocation state is current (loaded, and the change feed that
 *       keeps it so is connected; without it every token is refused with 503);</li>
 *   <li>{@code audit}: the audit trail admits events (without it every request is refused);</li>
 *   <li>{@code runtime}: the shared runtime or upstream accepts a connection within
 *       {@value #PROBE_TIMEOUT_MS} ms; {@code on_demand} where runtimes start per workspace.</li>
 * </ul>
 */
public final class HealthChecks {

  public static final String LIVE_PATH = "/healthz";
  public static final String READY_PATH = "/readyz";
  static final int PROBE_TIMEOUT_MS = 1000;

  private final Database database;
  private final BooleanSupplier changeFeedCurrent;
  private final BooleanSupplier auditAdmitting;
  private final Optional<URI> sharedRuntime;
  private final NetClient probe;

  /**
   * @param changeFeedCurrent whether the revocation state is current
   * @param auditAdmitting whether the audit trail admits events
   * @param sharedRuntime the runtime to probe, empty when runtimes start on demand
   */
  public HealthChecks(Vertx vertx, Database database, BooleanSupplier changeFeedCurrent, BooleanSupplier auditAdmitting,
      Optional<URI> sharedRuntime) {
    this.database = database;
    this.changeFeedCurrent = changeFeedCurrent;
    this.auditAdmitting = auditAdmitting;
    this.sharedRuntime = sharedRuntime;
    this.probe = vertx.createNetClient(new NetClientOptions().setConnectTimeout(PROBE_TIMEOUT_MS));
  }

  public void live(HttpServerRequest request) {
    send(request, 200, new JsonObject().put("status", "alive"));
  }

  public void ready(HttpServerRequest request) {
    boolean feed = changeFeedCurrent.getAsBoolean();
    boolean audit = auditAdmitting.getAsBoolean();
    CompositeFuture checked = Future.join(database.ping(), runtime());
    checked.onComplete(done -> {
      boolean databaseUp = checked.succeeded(0);
      Optional<Boolean> runtimeUp = checked.succeeded(1) ? checked.resultAt(1) : Optional.of(false);
      boolean ready = databaseUp && feed && audit && runtimeUp.orElse(true);
      JsonObject checks = new JsonObject()
          .put("database", databaseUp ? "up" : "down")
          .put("changeFeed", feed ? "up" : "down")
          .put("audit", audit ? "admitting" : "refusing")
          .put("runtime", runtimeUp.map(up -> up ? "up" : "down").orElse("on_demand"));
      send(request, ready ? 200 : 503,
          new JsonObject().put("status", ready ? "ready" : "not_ready").put("checks", checks));
    });
  }

  /** Whether the shared runtime accepts a connection; empty when there is none to probe. */
  private Future<Optional<Boolean>> runtime() {
    if (sharedRuntime.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    URI url = sharedRuntime.get();
    int port = url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    return probe.connect(port, url.getHost())
        .compose(socket -> socket.close().map(v -> Optional.of(true)))
        .recover(failure -> Future.succeededFuture(Optional.of(false)));
  }

  private static void send(HttpServerRequest request, int status, JsonObject body) {
    request.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, ErrorBody.CONTENT_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, ErrorBody.NO_STORE)
        .end(body.toBuffer());
  }
}
