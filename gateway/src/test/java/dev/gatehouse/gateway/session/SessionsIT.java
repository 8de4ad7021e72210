package dev.gatehouse.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.authn.TestHttp;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import dev.gatehouse.gateway.workspace.EntityIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * People sign in with a token and then hold only a session cookie: the cookie authenticates like
 * the token did (policy, revocation, lock apply), never reaches the runtime, changes nothing
 * cross-origin, and ends at logout, when idle and with its token.
 */
class SessionsIT {

  static final Duration IDLE = Duration.ofSeconds(2);

  @TempDir
  static Path dataDir;
  static GatewayFixture node;
  static AdminClient admin;
  static String url;
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() throws Exception {
    node = GatewayFixture.start(dataDir, "sessions.idleTimeout=" + IDLE.toSeconds() + "s",
        TestHttp.TRUST_LOOPBACK_PROXY);
    admin = node.admin;
    url = TestGateways.mainUrl(node.gateway);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  /** A new workspace and a token in it with these scopes. */
  static JsonObject token(String... scopes) throws Exception {
    String workspace = admin.createWorkspace("people-" + UUID.randomUUID().toString().substring(0, 8));
    return admin.mint(workspace, "person-" + UUID.randomUUID(), List.of(scopes), "1h").put("workspace", workspace);
  }

  static HttpResponse<String> signIn(String token, String next, Map<String, String> headers) throws Exception {
    String form = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
        + (next == null ? "" : "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Forwarded-For", TestHttp.freshClientAddress())
        .POST(HttpRequest.BodyPublishers.ofString(form));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Signs in from the gateway's own origin; the session id from the cookie. */
  static String session(String token) throws Exception {
    HttpResponse<String> answer = signIn(token, null, Map.of("Origin", url));
    assertEquals(303, answer.statusCode(), answer.body());
    String cookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
    return cookie.substring(SessionCookie.NAME.length() + 1, cookie.indexOf(';'));
  }

  static HttpResponse<String> send(String method, String path, String session, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
        .header("X-Forwarded-For", TestHttp.freshClientAddress())
        .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString("{}"));
    if (session != null) {
      request.header("Cookie", "theme=dark; " + SessionCookie.NAME + "=" + session);
    }
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Tag("T-AUTH-018")
  void a_token_signs_in_to_a_hardened_cookie_and_only_its_hash_is_stored() throws Exception {
    HttpResponse<String> form = send("GET", "/login?next=/chat", null, Map.of());
    assertEquals(200, form.statusCode());
    assertTrue(form.body().contains("name=\"token\"") && form.body().contains("value=\"/chat\""), form.body());
    assertTrue(form.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'none'"));
    String injected = send("GET", "/login?next=/%22%3E%3Cscript%3Ealert(1)%3C/script%3E", null, Map.of()).body();
    assertFalse(injected.contains("<script>"), "next is escaped into the form: " + injected);

    JsonObject token = token("agents:read");
    HttpResponse<String> signedIn = signIn(token.getString("token"), "/chat", Map.of("Origin", url));
    assertEquals(303, signedIn.statusCode());
    assertEquals("/chat", signedIn.headers().firstValue("Location").orElseThrow());
    String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(cookie.startsWith(SessionCookie.NAME + "="), cookie);
    for (String attribute : List.of("Path=/", "Secure", "HttpOnly", "SameSite=Lax")) {
      assertTrue(cookie.contains("; " + attribute), attribute + " in " + cookie);
    }
    assertFalse(cookie.toLowerCase(Locale.ROOT).contains("domain="), cookie);
    String id = cookie.substring(SessionCookie.NAME.length() + 1, cookie.indexOf(';'));
    assertEquals(43, id.length());
    assertNotEquals(id, session(token.getString("token")), "every sign-in makes a new session id");

    try (Connection c = DriverManager.getConnection(node.database.jdbcUrl());
        ResultSet rows = c.createStatement().executeQuery("SELECT * FROM sessions")) {
      int count = 0;
      while (rows.next()) {
        count++;
        for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
          String value = rows.getString(column);
          assertFalse(value != null && (value.contains(id) || value.contains(token.getString("token"))),
              "the sessions table holds the session id or the token");
        }
      }
      assertTrue(count >= 2);
    }
    for (String next : List.of("//evil.example/x", "https://evil.example/", "/\\evil.example")) {
      assertEquals("/", signIn(token.getString("token"), next, Map.of("Origin", url)).headers()
          .firstValue("Location").orElseThrow(), next);
    }
  }

  @Test
  @Tag("T-AUTH-018")
  void a_refused_token_signs_nobody_in() throws Exception {
    JsonObject token = token("agents:read");
    String forged = token.getString("token").substring(0, token.getString("token").length() - 4) + "AAAA";
    HttpResponse<String> refused = signIn(forged, null, Map.of("Origin", url));
    assertEquals(401, refused.statusCode());
    assertTrue(refused.headers().firstValue("Set-Cookie").isEmpty());
    assertTrue(refused.body().contains("Sign-in failed."));
    assertFalse(refused.body().contains(forged));
  }

  @Test
  @Tag("T-AUTH-018")
  void the_cookie_authenticates_like_the_token_and_never_reaches_the_runtime() throws Exception {
    JsonObject token = token("agents:read");
    String session = session(token.getString("token"));
    String marker = UUID.randomUUID().toString();
    HttpResponse<String> read = send("GET", "/api/agents/a1", session, Map.of("X-Attack", marker));
    assertEquals(200, read.statusCode(), read.body());
    TestUpstream.Received received = node.upstream.awaitRequest("X-Attack", marker);
    assertNull(received.headers().get("Cookie"), "no cookie reaches the runtime");
    assertFalse(received.headers().toString().contains(session));

    assertEquals(403, send("POST", "/echo", session, Map.of("Origin", url)).statusCode(),
        "the token's scopes, no more: messages:write is missing");
    assertEquals(401, send("GET", "/api/agents/a1", null, Map.of()).statusCode(), "nothing without the cookie");
    assertEquals(401, send("GET", "/api/agents/a1", session, Map.of("Authorization", "Bearer not.a.token"))
        .statusCode(), "a bearer token, when present, decides");
    assertEquals(401, send("GET", "/api/agents/a1", "A".repeat(43), Map.of()).statusCode(), "an unknown session");
    assertEquals(200, send("GET", "/hello", "A".repeat(43), Map.of()).statusCode(),
        "an ended session still sees what anyone may see");
  }

  @Test
  @Tag("T-AUTH-019")
  void a_cookie_changes_nothing_unless_the_request_comes_from_the_public_origin() throws Exception {
    JsonObject token = token("messages:write");
    String session = session(token.getString("token"));
    assertEquals(200, send("POST", "/echo", session, Map.of("Origin", url)).statusCode());
    assertEquals(200, send("POST", "/echo", session, Map.of("Sec-Fetch-Site", "same-origin")).statusCode());
    for (Map<String, String> foreign : List.of(Map.of("Origin", "https://evil.example"), Map.of("Origin", "null"),
        Map.of("Sec-Fetch-Site", "cross-site"), Map.of("Sec-Fetch-Site", "same-site"), Map.<String, String>of())) {
      HttpResponse<String> refused = send("POST", "/echo", session, foreign);
      assertEquals(403, refused.statusCode(), foreign.toString());
    }
    assertEquals(200, send("POST", "/echo", null, Map.of("Authorization", "Bearer " + token.getString("token"),
        "Origin", "https://evil.example")).statusCode(), "bearer clients are not browsers: no origin rule");

    HttpResponse<String> loginCsrf = signIn(token.getString("token"), null, Map.of("Origin", "https://evil.example"));
    assertEquals(403, loginCsrf.statusCode());
    assertTrue(loginCsrf.headers().firstValue("Set-Cookie").isEmpty(), "no sign-in from another site");

    // The audit writer commits in batches: wait for the refusals' events.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long crossOrigin;
    JsonArray events;
    do {
      events = new JsonObject(admin.get("/admin/v1/audit?limit=1000&jti=" + token.getString("jti")).body())
          .getJsonArray("events");
      crossOrigin = events.stream().map(JsonObject.class::cast)
          .filter(e -> SessionEndpoints.CROSS_ORIGIN.equals(e.getString("reason_key"))).count();
    } while (crossOrigin < 5 && System.nanoTime() < deadline && sleep(100));
    assertEquals(5, crossOrigin, "every cross-origin refusal is audited: " + events.encode());
  }

  @Test
  @Tag("T-AUTH-018")
  void logout_revocation_and_lock_end_the_session() throws Exception {
    JsonObject loggingOut = token("agents:read");
    String session = session(loggingOut.getString("token"));
    assertEquals(200, send("GET", "/api/agents/a1", session, Map.of()).statusCode());
    assertEquals(403, send("POST", "/logout", session, Map.of("Origin", "https://evil.example")).statusCode());
    assertEquals(200, send("GET", "/api/agents/a1", session, Map.of()).statusCode(), "no cross-site logout");
    HttpResponse<String> out = send("POST", "/logout", session, Map.of("Origin", url));
    assertEquals(303, out.statusCode());
    assertTrue(out.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
    assertEquals(401, send("GET", "/api/agents/a1", session, Map.of()).statusCode(), "after logout");

    JsonObject revoked = token("agents:read");
    String revokedSession = session(revoked.getString("token"));
    assertEquals(200, send("GET", "/api/agents/a1", revokedSession, Map.of()).statusCode());
    admin.post("/admin/v1/tokens/revoke", new JsonObject().put("jti", revoked.getString("jti")));
    assertEquals(401, send("GET", "/api/agents/a1", revokedSession, Map.of()).statusCode(), "after revocation");

    JsonObject locked = token("agents:read");
    String lockedSession = session(locked.getString("token"));
    assertEquals(200, send("GET", "/api/agents/a1", lockedSession, Map.of()).statusCode());
    admin.post("/admin/v1/workspaces/" + locked.getString("workspace") + "/lock", new JsonObject());
    assertEquals(401, send("GET", "/api/agents/a1", lockedSession, Map.of()).statusCode(), "after the lock");
  }

  @Test
  @Tag("T-AUTH-018")
  void a_session_ends_when_idle_and_never_outlives_its_token() throws Exception {
    JsonObject token = token("agents:read");
    String session = session(token.getString("token"));
    for (int i = 0; i < 4; i++) {
      assertEquals(200, send("GET", "/api/agents/a1", session, Map.of()).statusCode(), "in use, request " + i);
      Thread.sleep(IDLE.toMillis() / 2);
    }
    Thread.sleep(IDLE.toMillis() + 500);
    assertEquals(401, send("GET", "/api/agents/a1", session, Map.of()).statusCode(), "idle");

    String workspace = admin.createWorkspace("short-" + UUID.randomUUID().toString().substring(0, 8));
    JsonObject brief = admin.mint(workspace, "brief", List.of("agents:read"), "4s");
    String briefSession = session(brief.getString("token"));
    // Used more often than the idle timeout, so only the token's expiry (at most 4 s away) can end it.
    String from = java.time.Instant.now().toString();
    List<Integer> statuses = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      statuses.add(send("GET", "/api/agents/a1", briefSession, Map.of()).statusCode());
      Thread.sleep(1000);
    }
    assertEquals(200, statuses.get(0));
    assertEquals(401, statuses.get(5), "past the token's expiry: " + statuses);
    // A refused session names no principal: its events are found by time, once the writer committed them.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonArray events;
    do {
      events = new JsonObject(admin.get("/admin/v1/audit?limit=100&status=401&from=" + from).body())
          .getJsonArray("events");
    } while (events.size() < statuses.stream().filter(status -> status == 401).count() && System.nanoTime() < deadline
        && sleep(100));
    assertFalse(events.isEmpty());
    // Newest first: the first refusal is the expiry (later ones may already count as idle).
    assertEquals("session_expired", events.getJsonObject(events.size() - 1).getString("reason_key"), events.encode());
  }

  @Test
  @Tag("T-AUTH-018")
  void a_session_made_on_one_node_works_on_another_until_logout_on_either(@TempDir Path otherDir) throws Exception {
    Gateway other = TestGateways.start(otherDir, "upstream.url=" + node.upstream.url(),
        "database.url=" + node.database.url(), "sessions.idleTimeout=" + IDLE.toSeconds() + "s",
        "secrets.keyring=" + node.gateway.config().secrets().keyring(),
        TestHttp.TRUST_LOOPBACK_PROXY);
    try {
      String session = session(token("agents:read").getString("token"));
      String otherUrl = TestGateways.mainUrl(other);
      HttpRequest read = HttpRequest.newBuilder(URI.create(otherUrl + "/api/agents/a1"))
          .header("Cookie", SessionCookie.NAME + "=" + session).build();
      assertEquals(200, HTTP.send(read, HttpResponse.BodyHandlers.ofString()).statusCode(), "the other node knows it");
      assertEquals(303, send("POST", "/logout", session, Map.of("Origin", url)).statusCode());
      long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      int status;
      do {
        status = HTTP.send(read, HttpResponse.BodyHandlers.ofString()).statusCode();
      } while (status != 401 && System.nanoTime() < deadline && sleep(50));
      assertEquals(401, status, "logout reaches the other node");
    } finally {
      TestGateways.stopQuietly(other);
    }
  }

  @Test
  @Tag("T-ISO-005")
  void the_entity_a_browser_names_reaches_the_runtime_as_the_callers_own() throws Exception {
    JsonObject token = token("agents:read");
    String session = session(token.getString("token"));
    String forged = UUID.randomUUID().toString();
    String marker = UUID.randomUUID().toString();
    assertEquals(200, send("GET", "/api/agents/a1", session, Map.of("X-Entity-Id", forged, "X-Attack", marker))
        .statusCode());
    String own = EntityIds.of(token.getString("workspace"), token.getString("subject")).toString();
    assertEquals(own, node.upstream.awaitRequest("X-Attack", marker).headers().get("X-Entity-Id"));

    String anonymous = UUID.randomUUID().toString();
    assertEquals(200, send("GET", "/hello", null, Map.of("X-Entity-Id", forged, "X-Attack", anonymous)).statusCode());
    assertNull(node.upstream.awaitRequest("X-Attack", anonymous).headers().get("X-Entity-Id"),
        "an anonymous request names no entity");
  }

  static boolean sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return true;
  }
}
