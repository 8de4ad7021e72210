package dev.gatehouse.gateway.bench;

import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.limit.BodyLimit;
import dev.gatehouse.gateway.limit.Limits;
import dev.gatehouse.gateway.proxy.UpstreamCall;
import dev.gatehouse.gateway.proxy.UpstreamProxy;
import dev.gatehouse.gateway.tier.RuntimeLease;
import dev.gatehouse.gateway.tier.RuntimeTarget;
import dev.gatehouse.gateway.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The gateway's {@link UpstreamProxy} alone on a loopback listener: no request id, pipeline, log
 * line or audit event. The floor under any gateway figure.
 */
final class PlainProxy implements AutoCloseable {

  private final UpstreamProxy proxy;
  private final RuntimeTarget target;
  private final HttpServer server;

  PlainProxy(Vertx vertx, String upstreamUrl) throws Exception {
    target = new RuntimeTarget(URI.create(upstreamUrl), Optional.empty());
    proxy = new UpstreamProxy(vertx, new GatewayConfig.Upstream(URI.create(upstreamUrl), Duration.ofSeconds(5),
        Duration.ofSeconds(60), Optional.empty()), new BodyLimit(Limits.DEFAULT_MAX_BODY_SIZE));
    server = Await.result(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(request -> {
          request.headers().set(UpstreamProxy.FORWARD_TARGET_HEADER, request.uri());
          proxy.handle(request, RuntimeLease.fixed(target), renewed -> {}, Optional.empty(), false, () -> {},
              reason -> {}, UpstreamCall.NONE);
        })
        .listen());
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public void close() throws Exception {
    Await.result(server.close());
    Await.result(proxy.close());
  }
}
