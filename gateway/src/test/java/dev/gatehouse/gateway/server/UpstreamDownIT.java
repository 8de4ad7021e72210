package dev.gatehouse.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpstreamDownIT {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  @TempDir
  Path dataDir;

  @Test
  void upstream_down_gives_a_generic_502_within_the_connect_timeout() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    try (TestDatabase database = new TestDatabase()) {
      Gateway gateway = TestGateways.start(dataDir,
          "upstream.url=http://127.0.0.1:" + closed,
          "upstream.connectTimeout=" + CONNECT_TIMEOUT.toMillis() + "ms",
          "database.url=" + database.url());
      try {
        HttpClient http = HttpClient.newHttpClient();
        for (String method : new String[] {"GET"}) {
          long started = System.nanoTime();
          HttpResponse<String> response = http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/hello"))
                  .method(method, HttpRequest.BodyPublishers.ofString("{}")).build(),
              HttpResponse.BodyHandlers.ofString());
          Duration took = Duration.ofNanos(System.nanoTime() - started);

          assertEquals(502, response.statusCode(), method);
          assertEquals(new JsonObject().put("error", "bad_gateway"), new JsonObject(response.body()));
          assertTrue(took.compareTo(CONNECT_TIMEOUT) < 0, method + " answered in " + took);
          String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
          assertEquals(List.of("allow", "upstream_unreachable", "502"), database.awaitAuditEvent(requestId),
              "the failure is audited with its reason");
        }
        String metrics = new AdminClient(gateway).get("/admin/v1/metrics").body();
        assertTrue(metrics.contains("gatehouse_upstream_errors_total{reason=\"upstream_unreachable\",route=\"hello\"} 1"),
            "the failure is counted by route and reason");
      } finally {
        Await.result(gateway.stop());
      }
    }
  }
}
