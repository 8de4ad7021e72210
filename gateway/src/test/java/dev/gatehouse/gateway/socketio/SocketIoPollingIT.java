package dev.gatehouse.gateway.socketio;

import static dev.gatehouse.gateway.testsupport.Claims.claim;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.ownership.ResourceKind;
import dev.gatehouse.gateway.session.SessionCookie;
import dev.gatehouse.gateway.testsupport.FakeSocketIoRuntime;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.SocketIoTestClient;
import dev.gatehouse.gateway.testsupport.TestGateways;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a browser's Socket.IO client does: Engine.IO long-polling first, then the upgrade to a
 * WebSocket with the same sid, authenticated by the session cookie and only from the public
 * origin; every message checked on both transports, against a fake runtime on a real gateway.
 */
class SocketIoPollingIT {

  static final String RUNTIME_KEY = "runtime-key-for-polling-tests";
  static final List<String> CHAT = List.of("messages:read", "messages:write");
  static final String CHANNEL_A = UUID.randomUUID().toString();
  static final String SERVER_A = UUID.randomUUID().toString();
  static final String CHANNEL_B = UUID.randomUUID().toString();
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).build();

  @TempDir
  static Path dataDir;
  static GatewayFixture fixture;
  static String workspaceA;
  static String workspaceB;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    fixture = GatewayFixture.start(dataDir, "upstream.apiKey=" + RUNTIME_KEY, "socketio.recheckInterval=200ms");
    workspaceA = fixture.admin.createWorkspace("polling-a");
    workspaceB = fixture.admin.createWorkspace("polling-b");
    claim(fixture.gateway, workspaceA, ResourceKind.CHANNEL, CHANNEL_A);
    claim(fixture.gateway, workspaceA, ResourceKind.MESSAGE_SERVER, SERVER_A);
    claim(fixture.gateway, workspaceB, ResourceKind.CHANNEL, CHANNEL_B);
    url = TestGateways.mainUrl(fixture.gateway);
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  @BeforeEach
  void forgetRuntimeConnections() {
    runtime().clear();
  }

  static FakeSocketIoRuntime runtime() {
    return fixture.upstream.socketIo();
  }

  /** A credential header for one request: a bearer token, or a cookie from this origin. */
  record Caller(Map<String, String> headers) {
    static Caller bearer(String token) {
      return new Caller(Map.of("Authorization", "Bearer " + token));
    }

    static Caller browser(String session) {
      return new Caller(Map.of("Cookie", SessionCookie.NAME + "=" + session, "Origin", url));
    }
  }

  static HttpResponse<String> poll(Caller caller, String query, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/socket.io/?EIO=4&transport=polling" + query))
        .timeout(Duration.ofSeconds(30))
        .method(body == null ? "GET" : "POST", body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    caller.headers().forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Opens a polling session; its sid. */
  static String open(Caller caller) throws Exception {
    HttpResponse<String> opened = poll(caller, "", null);
    assertEquals(200, opened.statusCode(), opened.body());
    assertTrue(opened.body().startsWith("0{"), opened.body());
    JsonObject open = new JsonObject(opened.body().substring(1));
    assertEquals(new JsonArray().add("websocket"), open.getJsonArray("upgrades"));
    return open.getString("sid");
  }

  /** Opens a polling session and connects it to the runtime; its sid. */
  static String connected(Caller caller) throws Exception {
    String sid = open(caller);
    HttpResponse<String> posted = poll(caller, "&sid=" + sid, "40");
    assertEquals("ok", posted.body());
    assertEquals(FakeSocketIoRuntime.CONNECTED, poll(caller, "&sid=" + sid, null).body());
    return sid;
  }

  static String join(String channel) {
    return "42" + new JsonArray().add("1")
        .add(new JsonObject().put("channelId", channel).put("messageServerId", SERVER_A)).encode();
  }

  static String token(String workspace, String subject) throws Exception {
    return fixture.admin.mint(workspace, subject, CHAT);
  }

  static String signIn(String token) throws Exception {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", url)
        .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(303, answer.statusCode(), answer.body());
    String cookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
    return cookie.substring(SessionCookie.NAME.length() + 1, cookie.indexOf(';'));
  }

  // ------------------------------------------------------------------ polling

  @Test
  @Tag("T-ISO-004")
  void over_polling_every_message_is_checked_as_over_a_websocket() throws Exception {
    Caller caller = Caller.bearer(token(workspaceA, "poller"));
    String sid = connected(caller);
    FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
    JsonObject auth = new JsonObject(upstream.awaitFrame(f -> f.startsWith("40")).substring(2));
    assertEquals(EntityIds.of(workspaceA, "poller").toString(), auth.getString("entityId"));

    // Two packets in one batch: the foreign join is refused, the own one forwarded, in order.
    assertEquals("ok", poll(caller, "&sid=" + sid, join(CHANNEL_B) + PollingChannel.SEPARATOR + join(CHANNEL_A)).body());
    assertEquals("42[\"messageError\",{\"error\":\"forbidden\"}]", poll(caller, "&sid=" + sid, null).body());
    upstream.awaitFrame(f -> f.startsWith("42[\"1\"") && f.contains(CHANNEL_A));
    assertFalse(upstream.frames().stream().anyMatch(f -> f.contains(CHANNEL_B)), "the refused join never reached the runtime");

    // The runtime's messages wait for the next poll.
    upstream.send("42[\"messageBroadcast\",{\"text\":\"hello\"}]");
    assertEquals("42[\"messageBroadcast\",{\"text\":\"hello\"}]", poll(caller, "&sid=" + sid, null).body());
    assertEquals(1, events("poller", "channel_not_owned"), "the refusal is audited as on a WebSocket");
  }

  @Test
  @Tag("T-ISO-004")
  void a_sid_serves_only_the_caller_that_opened_it() throws Exception {
    Caller owner = Caller.bearer(token(workspaceA, "sid-owner"));
    String sid = open(owner);
    assertEquals(403, poll(Caller.bearer(token(workspaceB, "sid-thief")), "&sid=" + sid, "40").statusCode());
    assertEquals(403, poll(Caller.bearer(token(workspaceA, "sid-owner")), "&sid=" + sid, null).statusCode(),
        "another token of the same person is another caller");
    assertEquals(401, poll(new Caller(Map.of()), "&sid=" + sid, null).statusCode());
    assertEquals(401, poll(new Caller(Map.of()), "", null).statusCode(), "polling needs a credential");
    assertEquals(400, poll(owner, "&sid=" + "x".repeat(24), null).statusCode());
    assertEquals(403, SocketIoTestClient.upgradeStatus(fixture.gateway.port(),
        "/socket.io/?EIO=4&transport=websocket&sid=" + sid, Map.of("Authorization", "Bearer "
            + token(workspaceB, "sid-thief"))));
    assertEquals(List.of(), runtime().connections(), "nothing was dialled for the thief");
    assertTrue(events("sid-thief", "socketio_session_mismatch") >= 1);
  }

  @Test
  void the_client_upgrades_to_a_websocket_with_its_sid_and_the_session_carries_on() throws Exception {
    String token = token(workspaceA, "upgrader");
    Caller caller = Caller.bearer(token);
    String sid = connected(caller);
    FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
    CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return poll(caller, "&sid=" + sid, null);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(200);
    try (SocketIoTestClient socket = SocketIoTestClient.open(fixture.gateway.port(),
        "/socket.io/?EIO=4&transport=websocket&sid=" + sid, Map.of("Authorization", "Bearer " + token))) {
      socket.send("2probe");
      assertEquals("3probe", socket.next());
      assertEquals("6", waiting.get(10, TimeUnit.SECONDS).body(), "the waiting poll is released with a no-op");
      upstream.send("42[\"messageBroadcast\",{\"queued\":true}]");
      Thread.sleep(200);
      socket.send("5");
      assertEquals("42[\"messageBroadcast\",{\"queued\":true}]", socket.next(), "what was queued moves over");
      socket.send(join(CHANNEL_B));
      assertEquals("42[\"messageError\",{\"error\":\"forbidden\"}]", socket.next());
      socket.send(join(CHANNEL_A));
      upstream.awaitFrame(f -> f.startsWith("42[\"1\"") && f.contains(CHANNEL_A));
      upstream.send("42[\"messageBroadcast\",{\"over\":\"websocket\"}]");
      assertEquals("42[\"messageBroadcast\",{\"over\":\"websocket\"}]", socket.next());
      assertEquals(400, poll(caller, "&sid=" + sid, null).statusCode(), "polling ended with the upgrade");
    }
  }

  // ------------------------------------------------------------------ browser sessions

  @Test
  @Tag("T-AUTH-018")
  void a_session_cookie_authenticates_the_socket_and_logout_closes_it() throws Exception {
    String session = signIn(token(workspaceA, "browser-person"));
    try (SocketIoTestClient socket = SocketIoTestClient.open(fixture.gateway.port(), SocketIoTestClient.TARGET,
        Caller.browser(session).headers())) {
      socket.handshake(new JsonObject().put("apiKey", "whatever-the-client-keeps").put("entityId", "not-mine"));
      FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
      JsonObject auth = new JsonObject(upstream.awaitFrame(f -> f.startsWith("40")).substring(2));
      assertEquals(new JsonObject().put("entityId", EntityIds.of(workspaceA, "browser-person").toString())
          .put("apiKey", RUNTIME_KEY), auth, "the session is the caller; the client's payload is ignored");
      HttpResponse<String> out = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/logout"))
          .header("Cookie", SessionCookie.NAME + "=" + session).header("Origin", url)
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(303, out.statusCode());
      assertEquals(1008, socket.awaitClose(Duration.ofSeconds(3)), "closed within the recheck interval");
    }
  }

  @Test
  @Tag("T-AUTH-019")
  void a_browser_socket_from_another_origin_or_naming_none_is_refused_and_audited() throws Exception {
    String session = signIn(token(workspaceA, "cross-site-victim"));
    String cookie = SessionCookie.NAME + "=" + session;
    assertEquals(403, SocketIoTestClient.upgradeStatus(fixture.gateway.port(), SocketIoTestClient.TARGET,
        Map.of("Cookie", cookie, "Origin", "https://evil.example")));
    assertEquals(403, SocketIoTestClient.upgradeStatus(fixture.gateway.port(), SocketIoTestClient.TARGET,
        Map.of("Cookie", cookie)), "a cookie without an origin proves nothing");
    assertEquals(403, poll(new Caller(Map.of("Cookie", cookie, "Origin", "https://evil.example")), "", null)
        .statusCode());
    assertEquals(403, SocketIoTestClient.upgradeStatus(fixture.gateway.port(), SocketIoTestClient.TARGET,
        Map.of("Authorization", "Bearer " + token(workspaceA, "cross-site-page"), "Origin", "https://evil.example")),
        "a page elsewhere cannot open the socket with a token either");
    assertEquals(List.of(), runtime().connections());
    assertTrue(events("cross-site-victim", "cross_origin_refused") >= 3, "each refusal is audited");
  }

  @Test
  @Tag("T-AUTH-018")
  void a_browser_chats_over_polling_with_its_session_cookie() throws Exception {
    Caller browser = Caller.browser(signIn(token(workspaceA, "polling-person")));
    String sid = connected(browser);
    FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
    assertEquals("ok", poll(browser, "&sid=" + sid, join(CHANNEL_A)).body());
    upstream.awaitFrame(f -> f.startsWith("42[\"1\"") && f.contains(CHANNEL_A));
  }

  /** The subject's audit events with this reason on the Socket.IO route (waits for the batch). */
  static long events(String subject, String reason) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long count = 0;
    while (System.nanoTime() < deadline) {
      try (Connection c = DriverManager.getConnection(fixture.database.jdbcUrl());
          PreparedStatement select = c.prepareStatement("SELECT count(*) FROM audit_events WHERE subject = ?"
              + " AND reason_key = ? AND route_id = 'socketio'")) {
        select.setString(1, subject);
        select.setString(2, reason);
        try (ResultSet rs = select.executeQuery()) {
          rs.next();
          count = rs.getLong(1);
        }
      }
      if (count > 0) {
        Thread.sleep(300);
        return count;
      }
      Thread.sleep(100);
    }
    return count;
  }
}
