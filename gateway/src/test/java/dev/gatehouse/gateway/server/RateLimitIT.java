package dev.gatehouse.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.testsupport.GatewayFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-address and per-token budgets refuse with 429, {@code Retry-After} and a generic body
 * once spent, and the refused request never reaches the runtime (T-DOS-002). Budgets are set
 * small through configuration so the test is deterministic; addresses come through a trusted
 * loopback proxy's {@code X-Forwarded-For}.
 */
class RateLimitIT {

  static final int ADDRESS_BURST = 5;
  static final int TOKEN_BURST = 3;

  @TempDir
  static Path dataDir;
  static GatewayFixture node;

  static String token;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    node = GatewayFixture.start(dataDir,
        "server.trustedProxies=127.0.0.1/32",
        "limits.perAddress.burst=" + ADDRESS_BURST, "limits.perAddress.interval=1h",
        "limits.perToken.burst=" + TOKEN_BURST, "limits.perToken.interval=1h");
    token = node.admin.mint(node.admin.createWorkspace("limits"), "busy", List.of("agents:read"));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static HttpResponse<String> get(String path, String address, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.gateway.port() + path))
        .header("X-Forwarded-For", address);
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void one_address_is_refused_once_its_budget_is_spent_and_others_are_not() throws Exception {
    for (int i = 0; i < ADDRESS_BURST; i++) {
      assertEquals(200, get("/hello", "198.51.100.7", null).statusCode(), "request " + i + " within the burst");
    }
    int before = node.upstream.received().size();

    HttpResponse<String> refused = get("/hello", "198.51.100.7", null);

    assertEquals(429, refused.statusCode());
    assertEquals("{\"error\":\"rate_limited\"}", refused.body());
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter > 0 && retryAfter <= 3600, "Retry-After " + retryAfter);
    assertEquals(before, node.upstream.received().size(), "the refused request never reached the runtime");
    assertEquals(200, get("/hello", "198.51.100.8", null).statusCode(), "another address keeps its own budget");
  }

  @Test
  void one_token_is_refused_once_its_budget_is_spent_whatever_the_address() throws Exception {
    for (int i = 0; i < TOKEN_BURST; i++) {
      assertEquals(200, get("/api/agents/a1", "203.0.113." + (10 + i), token).statusCode(), "request " + i);
    }

    HttpResponse<String> refused = get("/api/agents/a1", "203.0.113.99", token);

    assertEquals(429, refused.statusCode());
    assertEquals("{\"error\":\"rate_limited\"}", refused.body());
    assertTrue(refused.headers().firstValue("Retry-After").isPresent());
  }
}
