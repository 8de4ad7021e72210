package dev.gatehouse.gateway.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.session.SessionCookie;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detection sees what prevention refused, through a gateway with its default limits: a burst of
 * bad credentials that the failed-authentication limiter answers mostly with 429 is still raised
 * (D01), and a browser whose session ended raises nothing however often it asks.
 */
class RefusedAttemptsIT {

  static final Duration ALERT_WITHIN = Duration.ofSeconds(5);

  @TempDir
  static Path dataDir;
  static GatewayFixture node;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    node = GatewayFixture.start(dataDir, "server.trustedProxies=127.0.0.1/32");
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static int get(String address, String header, String value) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.gateway.port() + "/api/agents/a1"))
        .header("X-Forwarded-For", address).header(header, value).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  static boolean alerted(String rule, String entity) throws Exception {
    JsonObject page = new JsonObject(node.admin.get("/admin/v1/alerts?rule=" + rule).body());
    return page.getJsonArray("alerts").stream().anyMatch(a -> entity.equals(((JsonObject) a).getString("entity")));
  }

  @Test
  @Tag("T-AUD-009")
  void sixty_bad_credentials_in_two_seconds_are_raised_although_the_limiter_answered_most() throws Exception {
    String attacker = "203.0.113.61";
    List<Integer> statuses = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 60; i++) {
      statuses.add(get(attacker, "Authorization", "Bearer not-a-token-" + i));
    }
    long sent = System.nanoTime();
    assertTrue(Duration.ofNanos(sent - start).compareTo(Duration.ofSeconds(2)) < 0, "the burst took under 2 s");
    long refusedByLimiter = statuses.stream().filter(s -> s == 429).count();
    assertTrue(refusedByLimiter >= 40, "the limiter answered most of the burst: " + statuses);
    assertTrue(statuses.stream().filter(s -> s == 401).count() < 20, "fewer 401s than D01's threshold: " + statuses);

    long deadline = sent + ALERT_WITHIN.toNanos();
    boolean raised = false;
    while (!raised && System.nanoTime() < deadline) {
      raised = alerted("D01", "client_address=" + attacker);
      Thread.sleep(50);
    }
    assertTrue(raised, "D01 raised within " + ALERT_WITHIN.toSeconds() + " s");
    System.out.printf("D01 raised %d ms after a burst of %d bad credentials (%d answered 429)%n",
        Duration.ofNanos(System.nanoTime() - sent).toMillis(), statuses.size(), refusedByLimiter);
  }

  @Test
  @Tag("T-AUD-009")
  void a_browser_whose_session_ended_raises_nothing() throws Exception {
    String browser = "198.51.100.62";
    for (int i = 0; i < 40; i++) {
      assertEquals(401, get(browser, "Cookie", SessionCookie.NAME + "=" + "B".repeat(43)));
    }
    // The same wait that raised the burst above: nothing about this address.
    Thread.sleep(ALERT_WITHIN.toMillis());
    assertTrue(!alerted("D01", "client_address=" + browser), "no failed-authentication alert for an ended session");
  }
}
