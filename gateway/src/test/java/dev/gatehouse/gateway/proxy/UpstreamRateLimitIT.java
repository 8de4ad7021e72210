package dev.gatehouse.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 429 from the runtime reaches the client once, with the runtime's body and a Retry-After,
 * and the gateway never sends the request again.
 */
class UpstreamRateLimitIT {

  static final String RUNTIME_BODY = "{\"success\":false,\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\"}}";

  @TempDir
  static Path dataDir;
  static final Vertx vertx = Vertx.vertx();
  static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  static HttpServer upstream;
  static TestDatabase database;
  static Gateway gateway;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    upstream = Await.result(vertx.createHttpServer().requestHandler(request -> {
      hits.computeIfAbsent(request.path(), p -> new AtomicInteger()).incrementAndGet();
      var response = request.response().setStatusCode(429).putHeader("Content-Type", "application/json");
      switch (request.path()) {
        case "/limited/retry-after" -> response.putHeader("Retry-After", "42").putHeader("RateLimit-Reset", "42");
        case "/limited/reset" -> response.putHeader("RateLimit-Reset", "17");
        default -> { }
      }
      response.end(RUNTIME_BODY);
    }).listen(0, "127.0.0.1"));
    database = new TestDatabase();
    gateway = TestGateways.start(dataDir, "upstream.url=http://127.0.0.1:" + upstream.actualPort(),
        "database.url=" + database.url(),
        "policy.file=" + Path.of("src", "test", "resources", "policies", "limited-upstream.yaml"));
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    database.close();
    Await.result(vertx.close());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(TestGateways.mainUrl(gateway) + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Tag("T-DOS-008")
  void a_runtime_429_is_passed_on_with_its_retry_after_and_never_retried() throws Exception {
    HttpResponse<String> answer = get("/limited/retry-after");

    assertEquals(429, answer.statusCode());
    assertEquals(RUNTIME_BODY, answer.body());
    assertEquals("42", answer.headers().firstValue("Retry-After").orElseThrow());
    assertEquals(1, hits.get("/limited/retry-after").get(), "sent to the runtime exactly once");
  }

  @Test
  void a_runtime_429_without_retry_after_gets_one_from_its_rate_limit_reset_or_the_default() throws Exception {
    assertEquals("17", get("/limited/reset").headers().firstValue("Retry-After").orElseThrow());
    assertEquals(Long.toString(UpstreamRateLimitInterceptor.DEFAULT_RETRY_AFTER_SECONDS),
        get("/limited/bare").headers().firstValue("Retry-After").orElseThrow());
    assertEquals(1, hits.get("/limited/reset").get());
    assertEquals(1, hits.get("/limited/bare").get());
  }
}
