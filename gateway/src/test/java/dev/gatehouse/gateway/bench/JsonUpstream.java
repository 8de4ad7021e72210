package dev.gatehouse.gateway.bench;

import dev.gatehouse.gateway.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;

/**
 * A runtime stand-in on a loopback port that answers every request with the same small JSON body,
 * in the benchmark's JVM (used when nginx is not installed; the JVM's CPU then includes it).
 */
final class JsonUpstream implements Upstream {

  static final Buffer BODY = Buffer.buffer("{\"id\":\"a1\",\"name\":\"bench-agent\",\"status\":\"active\"}");

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  JsonUpstream() throws Exception {
    server = Await.result(vertx.createHttpServer()
        .requestHandler(request -> request.response()
            .putHeader("Content-Type", "application/json")
            .end(BODY))
        .listen(0, "127.0.0.1"));
  }

  @Override
  public int port() {
    return server.actualPort();
  }

  @Override
  public String description() {
    return "Vert.x in the benchmark's JVM, static JSON";
  }

  @Override
  public void close() throws Exception {
    Await.result(vertx.close());
  }
}
