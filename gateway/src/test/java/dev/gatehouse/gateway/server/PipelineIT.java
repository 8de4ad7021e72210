package dev.gatehouse.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every stage of the main listener's pipeline on a real gateway, upstream and PostgreSQL. */
class PipelineIT {

  static final String RUNTIME_KEY = "runtime-key-canary-7f3a";

  @TempDir
  static Path dataDir;

  static TestDatabase database;
  static TestUpstream upstream;
  static Gateway gateway;
  static String reader;
  static String writer;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    gateway = TestGateways.start(dataDir,
        "upstream.url=" + upstream.url(),
        "upstream.apiKey=" + RUNTIME_KEY,
        "database.url=" + database.url());
    AdminClient admin = new AdminClient(gateway);
    String workspace = admin.createWorkspace("pipeline-it");
    reader = admin.mint(workspace, "reader", List.of("agents:read"));
    writer = admin.mint(workspace, "writer", List.of("messages:write"));
  }

  @AfterAll
  static void stop() throws Exception {
    Await.result(gateway.stop());
    upstream.close();
    database.close();
  }

  static HttpResponse<String> get(String target, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + target));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no token on a protected route      | /api/agents/a1        | NONE   | 401 | unauthorized
      garbage token                      | /api/agents/a1        | JUNK   | 401 | unauthorized
      token without the route's scope    | /api/agents/a1        | WRITER | 403 | forbidden
      token on an unknown route          | /api/unknown          | READER | 404 | not_found
      explicit deny route                | /api/system/env/local | READER | 403 | forbidden
      encoded slash in the path          | /api/agents/a%2Fb     | READER | 400 | bad_request
      dot segment                        | /api/agents/../x      | READER | 400 | bad_request
      """)
  void refused_requests_get_a_generic_error_and_never_reach_the_runtime(String name, String target, String who,
      int status, String key) throws Exception {
    int before = upstream.received().size();
    Map<String, String> headers = switch (who) {
      case "READER" -> Map.of("Authorization", "Bearer " + reader);
      case "WRITER" -> Map.of("Authorization", "Bearer " + writer);
      case "JUNK" -> Map.of("Authorization", "Bearer not.a.jwt");
      default -> Map.of();
    };

    HttpResponse<String> response = get(target, headers);

    assertEquals(status, response.statusCode());
    assertEquals(new JsonObject().put("error", key), new JsonObject(response.body()));
    assertEquals(before, upstream.received().size(), "the runtime received nothing");
  }

  @Test
  void an_allowed_request_reaches_the_runtime_with_its_key_and_without_client_credentials() throws Exception {
    HttpResponse<String> response = get("/api/agents/a1?limit=5", Map.of(
        "Authorization", "Bearer " + reader,
        "X-API-KEY", "client-guess",
        "X-Forwarded-For", "203.0.113.9",
        "X-Gatehouse-Forward-Target", "/api/system/env/local"));

    assertEquals(200, response.statusCode());
    String id = response.headers().firstValue("X-Request-Id").orElseThrow();
    TestUpstream.Received seen = upstream.awaitRequest("X-Request-Id", id);
    assertEquals("/api/agents/a1", seen.path(), "exactly the authorized target");
    assertEquals(RUNTIME_KEY, seen.headers().get("X-API-KEY"), "the runtime's own key is injected");
    assertNull(seen.headers().get("Authorization"), "the gateway token never reaches the runtime");
    assertNull(seen.headers().get("X-Gatehouse-Forward-Target"));
    assertEquals("127.0.0.1", seen.headers().get("X-Forwarded-For"), "a client's forwarding header is replaced");
    assertFalse(response.body().contains(RUNTIME_KEY));
  }

  @Test
  void jwks_is_published_on_the_main_listener() throws Exception {
    HttpResponse<String> response = get("/.well-known/jwks.json", Map.of());

    assertEquals(200, response.statusCode());
    JsonObject key = new JsonObject(response.body()).getJsonArray("keys").getJsonObject(0);
    assertEquals("EC", key.getString("kty"));
    assertNull(key.getString("d"), "no private parameter");
  }

  @Test
  void every_decision_becomes_one_audit_event() throws Exception {
    String marker = "audit-" + System.nanoTime();
    int requests = 0;
    for (String target : new String[] {"/hello", "/api/agents/x", "/api/unknown", "/api/agents/a%2Fb"}) {
      get(target, Map.of("User-Agent", marker));
      requests++;
    }
    get("/api/agents/x", Map.of("User-Agent", marker, "Authorization", "Bearer " + reader));
    requests++;

    long deadline = System.nanoTime() + 10_000_000_000L;
    int found = 0;
    while (System.nanoTime() < deadline && found < requests) {
      found = countEvents(marker);
      Thread.sleep(50);
    }
    assertEquals(requests, found);
    try (Connection c = DriverManager.getConnection(database.jdbcUrl());
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT decision, reason_key, status FROM audit_events WHERE user_agent = '" + marker + "' ORDER BY seq")) {
      StringBuilder decisions = new StringBuilder();
      while (rs.next()) {
        decisions.append(rs.getString(1)).append(':').append(rs.getString(2)).append(':').append(rs.getInt(3)).append(' ');
      }
      String all = decisions.toString();
      assertTrue(all.startsWith("allow:allowed:200 deny:no_credentials:401 deny:"), all);
      assertTrue(all.endsWith("allow:allowed:200 "), all);
    }
  }

  static int countEvents(String userAgent) throws Exception {
    try (Connection c = DriverManager.getConnection(database.jdbcUrl());
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT count(*) FROM audit_events WHERE user_agent = '" + userAgent + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
