package dev.gatehouse.gateway.server;

import dev.gatehouse.gateway.accesslog.AccessLog;
import dev.gatehouse.gateway.admin.AdminApi;
import dev.gatehouse.gateway.admin.BootstrapToken;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.ListenAddress;
import dev.gatehouse.gateway.health.HealthChecks;
import dev.gatehouse.gateway.proxy.UpstreamProxy;
import dev.gatehouse.gateway.store.Database;
import dev.gatehouse.gateway.store.MigrationSet;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.BindException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Gatehouse node: the main listener (health checks, then the proxy), the admin
 * listener, the database and the upstream client. {@link #start} fails with a
 * {@link ConfigException} for operator mistakes (bad data directory, busy port) and with any
 * other exception for broken dependencies; whatever was started before the failure is stopped.
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final GatewayConfig config;
  private final Vertx vertx;
  private final DataDirectory dataDir;
  private Database database;
  private UpstreamProxy proxy;
  private HttpServer main;
  private HttpServer admin;

  private Gateway(GatewayConfig config, Vertx vertx, DataDirectory dataDir) {
    this.config = config;
    this.vertx = vertx;
    this.dataDir = dataDir;
  }

  /**
   * Starts a node on the caller's Vert.x instance. The caller owns it and closes it after
   * {@link #stop()} completes (closing Vert.x from inside its own callbacks would strand them).
   */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
    DataDirectory dataDir;
    try {
      dataDir = DataDirectory.acquire(config.dataDir());
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    Gateway gateway = new Gateway(config, vertx, dataDir);
    return gateway.startComponents()
        .map(gateway)
        .recover(failure -> gateway.stop().transform(ignored -> Future.failedFuture(failure)));
  }

  private Future<Void> startComponents() {
    return Database.open(vertx, config.database(), dataDir.path(), List.of(MigrationSet.GATEWAY))
        .compose(db -> {
          database = db;
          return BootstrapToken.ensure(vertx, db.pool(), dataDir.path());
        })
        .compose(v -> {
          proxy = new UpstreamProxy(vertx, config.upstream());
          HealthChecks health = new HealthChecks(database, true);
          Handler<HttpServerRequest> mainHandler = request -> {
            String path = request.path();
            if (HealthChecks.LIVE_PATH.equals(path)) {
              health.live(request);
            } else if (HealthChecks.READY_PATH.equals(path)) {
              health.ready(request);
            } else {
              proxy.handle(request);
            }
          };
          return listen("server.listen", config.server().listen(), AccessLog.around("main", mainHandler));
        })
        .compose(server -> {
          main = server;
          AdminApi api = new AdminApi(database, config.server().nodeId(), config.upstream().url().toString());
          return listen("admin.listen", config.admin().listen(), AccessLog.around("admin", api.router(vertx)));
        })
        .map(server -> {
          admin = server;
          LOG.info("gatehouse ready: main={} admin={} upstream={} node={}", address(main, config.server().listen()),
              address(admin, config.admin().listen()), config.upstream().url(), config.server().nodeId());
          return null;
        });
  }

  private Future<HttpServer> listen(String key, ListenAddress address, Handler<HttpServerRequest> handler) {
    // No cleartext HTTP/2 upgrade (h2c): it lets a client smuggle requests past a front proxy.
    HttpServerOptions options = new HttpServerOptions()
        .setHost(address.host())
        .setPort(address.port())
        .setHttp2ClearTextEnabled(false);
    return vertx.createHttpServer(options)
        .requestHandler(handler)
        .listen()
        .recover(failure -> Future.failedFuture(new ConfigException(key,
            "cannot listen on " + address + ": "
                + (failure instanceof BindException ? "address already in use or not available" : "bind failed"))));
  }

  private static String address(HttpServer server, ListenAddress configured) {
    return new ListenAddress(configured.host(), server.actualPort()).toString();
  }

  public int port() {
    return main.actualPort();
  }

  public int adminPort() {
    return admin.actualPort();
  }

  public GatewayConfig config() {
    return config;
  }

  /**
   * Graceful stop: both listeners stop accepting and in-flight requests get up to
   * {@code server.drainTimeout} to finish; then the upstream client and the database (the
   * embedded server included) are closed, and the data directory is unlocked.
   */
  public Future<Void> stop() {
    long drainMs = config.server().drainTimeout().toMillis();
    Future<Void> mainDown = main == null ? Future.succeededFuture() : main.shutdown(drainMs, TimeUnit.MILLISECONDS);
    Future<Void> adminDown = admin == null ? Future.succeededFuture() : admin.shutdown(drainMs, TimeUnit.MILLISECONDS);
    return Future.join(mainDown, adminDown)
        .transform(ignored -> proxy == null ? Future.succeededFuture() : proxy.close())
        .transform(ignored -> database == null ? Future.succeededFuture() : database.close())
        .transform(closed -> {
          try {
            dataDir.close();
          } catch (IOException e) {
            LOG.warn("could not unlock the data directory", e);
          }
          return closed.succeeded() ? Future.succeededFuture() : Future.failedFuture(closed.cause());
        });
  }
}
