package dev.gatehouse.gate.blackbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The suite's own listener. {@code /idp/jwks} serves the throwaway external issuer's JWKS (the
 * only path the target may fetch); every other path plays an attacker URL named in a token
 * ({@code jku}, {@code x5u}, a claim) and counts as a hit, which must stay zero (SSRF).
 */
final class Callback implements AutoCloseable {

  static final String JWKS_PATH = "/idp/jwks";

  private final HttpServer server;
  private final AtomicInteger attackerHits = new AtomicInteger();
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private final String host;
  private volatile String jwks = "{\"keys\":[]}";

  Callback(String host) throws IOException {
    this.host = host;
    server = HttpServer.create(new InetSocketAddress(host, 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  void serveJwks(String json) {
    this.jwks = json;
  }

  String url(String path) {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + h + ":" + server.getAddress().getPort() + path;
  }

  int attackerHits() {
    return attackerHits.get();
  }

  int jwksFetches() {
    return jwksFetches.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    boolean isJwks = exchange.getRequestURI().getPath().equals(JWKS_PATH);
    (isJwks ? jwksFetches : attackerHits).incrementAndGet();
    byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
