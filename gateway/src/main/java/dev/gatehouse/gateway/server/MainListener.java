package dev.gatehouse.gateway.server;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.ServerSSLOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The main listener on several event loops: one {@link HttpServer} per instance, each on its own
 * event loop, sharing one port (Vert.x hands new connections to them in turn). The request
 * handler is shared, so everything it calls must be thread-safe; each exchange stays on the
 * event loop of its connection. With port 0, the instances share one random port: Vert.x shares
 * a random port between servers listening on the same negative port number, so each listener
 * gets its own negative number.
 */
final class MainListener {

  /** Negative port numbers already handed out, one per listener started with port 0. */
  private static final AtomicInteger RANDOM_PORT_GROUPS = new AtomicInteger();

  private final Vertx vertx;
  private final HttpServerOptions options;
  private final Handler<HttpServerRequest> handler;
  private final Handler<HttpServerRequest> invalidRequests;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private String deployment;

  private MainListener(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> handler,
      Handler<HttpServerRequest> invalidRequests) {
    this.vertx = vertx;
    this.options = options;
    this.handler = handler;
    this.invalidRequests = invalidRequests;
  }

  /** Starts {@code instances} servers; fails with the first bind failure. */
  static Future<MainListener> start(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> handler,
      Handler<HttpServerRequest> invalidRequests, int instances) {
    HttpServerOptions shared = new HttpServerOptions(options);
    if (shared.getPort() == 0) {
      shared.setPort(-RANDOM_PORT_GROUPS.incrementAndGet());
    }
    MainListener listener = new MainListener(vertx, shared, handler, invalidRequests);
    return vertx.deployVerticle(() -> listener.new ServerInstance(), new DeploymentOptions().setInstances(instances))
        .map(id -> {
          listener.deployment = id;
          return listener;
        });
  }

  int port() {
    return servers.get(0).actualPort();
  }

  /**
   * New TLS options for connections accepted from now on, on every instance; open connections
   * keep theirs. Fails when the options cannot be used, and the instances keep their current ones.
   */
  Future<Void> updateSSLOptions(ServerSSLOptions options) {
    return Future.all(servers.stream().map(s -> s.updateSSLOptions(options)).toList()).mapEmpty();
  }

  /** Stops accepting on every instance, drains in-flight requests up to the timeout, then undeploys. */
  Future<Void> shutdown(long timeoutMs) {
    List<Future<Void>> down = servers.stream().map(s -> s.shutdown(timeoutMs, TimeUnit.MILLISECONDS)).toList();
    return Future.join(down)
        .transform(ignored -> vertx.undeploy(deployment))
        .mapEmpty();
  }

  /** One server on the event loop of its deployment instance. */
  private final class ServerInstance extends VerticleBase {

    @Override
    public Future<?> start() {
      return vertx.createHttpServer(options)
          .requestHandler(handler)
          .invalidRequestHandler(invalidRequests)
          .listen()
          .onSuccess(servers::add);
    }
  }
}
