package dev.gatehouse.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.gateway.testsupport.GatewayFixture;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /readyz} says 503 for each thing whose loss stops this node serving; {@code /healthz} stays 200. */
class ReadinessIT {

  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dataDir;

  static HttpResponse<String> get(GatewayFixture fixture, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.gateway.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String check(HttpResponse<String> ready, String name) {
    return new JsonObject(ready.body()).getJsonObject("checks").getString(name);
  }

  @Test
  void a_ready_node_says_so_check_by_check() throws Exception {
    try (GatewayFixture fixture = GatewayFixture.start(dataDir)) {
      HttpResponse<String> ready = get(fixture, "/readyz");
      assertEquals(200, ready.statusCode(), ready.body());
      assertEquals(new JsonObject().put("database", "up").put("changeFeed", "up").put("audit", "admitting")
          .put("runtime", "up"), new JsonObject(ready.body()).getJsonObject("checks"));
    }
  }

  @Test
  void readyz_turns_503_when_the_database_stops_while_healthz_stays_200() throws Exception {
    try (GatewayFixture fixture = GatewayFixture.start(dataDir)) {
      fixture.database.close();
      HttpResponse<String> notReady = get(fixture, "/readyz");
      assertEquals(503, notReady.statusCode());
      assertEquals("down", check(notReady, "database"));
      assertEquals(200, get(fixture, "/healthz").statusCode());
    }
  }

  @Test
  void readyz_turns_503_while_the_change_feed_is_down_and_200_once_it_is_back() throws Exception {
    try (GatewayFixture fixture = GatewayFixture.start(dataDir)) {
      try (Connection c = DriverManager.getConnection(fixture.database.jdbcUrl()); Statement s = c.createStatement();
          ResultSet killed = s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE query ILIKE 'LISTEN%'")) {
        assertEquals(true, killed.next(), "the feed's connection was found");
      }
      assertEquals("down", awaitCheck(fixture, "changeFeed", "down", 503));
      assertEquals("up", awaitCheck(fixture, "changeFeed", "up", 200), "the feed reconnects");
    }
  }

  @Test
  void readyz_turns_503_when_the_runtime_stops_answering() throws Exception {
    try (GatewayFixture fixture = GatewayFixture.start(dataDir)) {
      fixture.upstream.close();
      HttpResponse<String> notReady = get(fixture, "/readyz");
      assertEquals(503, notReady.statusCode(), notReady.body());
      assertEquals("down", check(notReady, "runtime"));
    }
  }

  /** Polls {@code /readyz} every 20 ms for up to 10 s until the check reads {@code value}; that value. */
  static String awaitCheck(GatewayFixture fixture, String name, String value, int status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    HttpResponse<String> ready = get(fixture, "/readyz");
    while (!(value.equals(check(ready, name)) && ready.statusCode() == status) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      ready = get(fixture, "/readyz");
    }
    return ready.statusCode() == status ? check(ready, name) : "status " + ready.statusCode();
  }
}
