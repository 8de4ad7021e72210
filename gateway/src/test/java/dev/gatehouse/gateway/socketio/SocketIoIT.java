package dev.gatehouse.gateway.socketio;

import static dev.gatehouse.gateway.testsupport.Claims.claim;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.ownership.ResourceKind;
import dev.gatehouse.gateway.testsupport.FakeSocketIoRuntime;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.SocketIoTestClient;
import dev.gatehouse.gateway.workspace.EntityIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Socket.IO endpoint between a real client socket and a fake runtime Socket.IO server, on a
 * real gateway with PostgreSQL: what the runtime receives (refused messages never, allowed ones
 * rewritten), what the client is told, when the socket is closed and with which code, and the
 * audit event of each decision.
 */
class SocketIoIT {

  static final String RUNTIME_KEY = "runtime-key-for-socket-tests";
  static final int MAX_MESSAGE_BYTES = 2048;
  static final int BURST = 8;
  static final Duration RECHECK = Duration.ofMillis(200);
  static final List<String> CHAT = List.of("messages:read", "messages:write");

  static final String CHANNEL_A = UUID.randomUUID().toString();
  static final String SERVER_A = UUID.randomUUID().toString();
  static final String AGENT_A = UUID.randomUUID().toString();
  static final String CHANNEL_B = UUID.randomUUID().toString();
  static final String SERVER_B = UUID.randomUUID().toString();

  @TempDir
  static Path dataDir;
  static GatewayFixture fixture;
  static String workspaceA;
  static String workspaceB;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    fixture = GatewayFixture.start(dataDir,
        "upstream.apiKey=" + RUNTIME_KEY,
        "socketio.maxMessageBytes=" + MAX_MESSAGE_BYTES,
        "socketio.messageRate.burst=" + BURST,
        "socketio.messageRate.interval=1s",
        "socketio.recheckInterval=" + RECHECK.toMillis() + "ms");
    workspaceA = fixture.admin.createWorkspace("socket-a");
    workspaceB = fixture.admin.createWorkspace("socket-b");
    claim(fixture.gateway, workspaceA, ResourceKind.CHANNEL, CHANNEL_A);
    claim(fixture.gateway, workspaceA, ResourceKind.MESSAGE_SERVER, SERVER_A);
    claim(fixture.gateway, workspaceA, ResourceKind.AGENT, AGENT_A);
    claim(fixture.gateway, workspaceB, ResourceKind.CHANNEL, CHANNEL_B);
    claim(fixture.gateway, workspaceB, ResourceKind.MESSAGE_SERVER, SERVER_B);
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

  static int port() {
    return fixture.gateway.port();
  }

  /** A token of workspace A for a subject used by one test only (audit events are looked up by subject). */
  static String tokenA(String subject) throws Exception {
    return fixture.admin.mint(workspaceA, subject, CHAT);
  }

  static String entityA(String subject) {
    return EntityIds.of(workspaceA, subject).toString();
  }

  /** A connected client for {@code subject} of workspace A, token in the header. */
  static SocketIoTestClient connected(String subject) throws Exception {
    SocketIoTestClient client = SocketIoTestClient.open(port(), tokenA(subject));
    client.handshake(null);
    return client;
  }

  static JsonObject join(String channel, String server) {
    return new JsonObject().put("channelId", channel).put("messageServerId", server);
  }

  static JsonObject send(String channel, String server, String text) {
    return new JsonObject().put("channelId", channel).put("messageServerId", server).put("message", text);
  }

  /** The payload of a {@code 42["event", payload]} message. */
  static JsonObject payloadOf(String frame) {
    return new JsonArray(frame.substring(2)).getJsonObject(1);
  }

  // ------------------------------------------------------------------ handshake

  @Test
  @Tag("T-ISO-004")
  void without_any_token_connect_is_refused_with_1008_and_the_runtime_is_never_dialled() throws Exception {
    try (SocketIoTestClient client = SocketIoTestClient.open(port(), null)) {
      assertTrue(client.next().startsWith("0{"), "the gateway's own open packet");
      client.connect(null);
      assertEquals("44{\"message\":\"unauthorized\"}", client.next());
      assertEquals(1008, client.awaitClose(Duration.ofSeconds(5)));
    }
    assertEquals(List.of(), runtime().connections(), "the runtime was never dialled");
    assertTrue(countEvents(null, "no_credentials", "socketio.connect", 1008) >= 1, "the refusal is audited");
  }

  @Test
  @Tag("T-ISO-004")
  void an_invalid_token_in_the_connect_auth_is_refused_and_the_runtime_is_never_dialled() throws Exception {
    try (SocketIoTestClient client = SocketIoTestClient.open(port(), null)) {
      client.next();
      client.connect(new JsonObject().put("token", "not.a.jwt"));
      assertEquals("44{\"message\":\"unauthorized\"}", client.next());
      assertEquals(1008, client.awaitClose(Duration.ofSeconds(5)));
    }
    assertEquals(List.of(), runtime().connections());
    assertTrue(countEvents(null, "malformed_token", "socketio.connect", 1008) >= 1);
  }

  @Test
  @Tag("T-ISO-004")
  void an_invalid_token_in_the_header_refuses_the_upgrade_with_401() throws Exception {
    assertEquals(401, SocketIoTestClient.refusedUpgrade(port(), SocketIoTestClient.TARGET, "not.a.jwt"));
    assertEquals(List.of(), runtime().connections());
  }

  @Test
  void other_transports_protocol_versions_and_other_paths_are_refused_before_authentication() throws Exception {
    HttpResponse<String> other = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port() + "/socket.io/?EIO=4&transport=flashsocket")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, other.statusCode());
    assertEquals("{\"error\":\"bad_request\"}", other.body());
    String token = tokenA("polling");
    assertEquals(400, SocketIoTestClient.refusedUpgrade(port(), "/socket.io/?EIO=4&transport=webtransport", token));
    assertEquals(400, SocketIoTestClient.refusedUpgrade(port(), "/socket.io/?EIO=3&transport=websocket", token));
    assertEquals(404, SocketIoTestClient.refusedUpgrade(port(), "/socket.io/other?EIO=4&transport=websocket", token));
    assertEquals(List.of(), runtime().connections());
  }

  @Test
  @Tag("T-ISO-004")
  @Tag("T-ISO-005")
  void a_header_token_connects_as_the_callers_entity_with_the_runtime_key_and_never_forwards_the_token()
      throws Exception {
    String token = tokenA("header-caller");
    try (SocketIoTestClient client = SocketIoTestClient.open(port(), token)) {
      client.handshake(null);
      FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
      assertEquals(SocketIoEndpoint.UPSTREAM_TARGET, upstream.uri());
      assertEquals(RUNTIME_KEY, upstream.headers().get("X-API-KEY"));
      assertNull(upstream.headers().get("Authorization"), "the caller's token stays at the gateway");
      JsonObject auth = new JsonObject(upstream.awaitFrame(f -> f.startsWith("40")).substring(2));
      assertEquals(new JsonObject().put("entityId", entityA("header-caller")).put("apiKey", RUNTIME_KEY), auth);
      assertFalse(upstream.frames().stream().anyMatch(f -> f.contains(token)));
    }
    assertTrue(countEvents("header-caller", "allowed", "socketio.connect", null) == 1);
  }

  @Test
  @Tag("T-ISO-004")
  void a_token_in_the_connect_auth_connects_as_the_callers_entity() throws Exception {
    String token = tokenA("connect-caller");
    try (SocketIoTestClient client = SocketIoTestClient.open(port(), null)) {
      client.handshake(new JsonObject().put("token", token));
      FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
      JsonObject auth = new JsonObject(upstream.awaitFrame(f -> f.startsWith("40")).substring(2));
      assertEquals(entityA("connect-caller"), auth.getString("entityId"));
      assertFalse(upstream.frames().stream().anyMatch(f -> f.contains(token)));
      assertNull(upstream.headers().get("Authorization"));
    }
    assertEquals(1, countEvents("connect-caller", "allowed", "socketio.connect", null));
  }

  @Test
  void a_runtime_refusing_the_gateways_connect_gives_the_client_a_generic_error_and_1011() throws Exception {
    runtime().refuseConnects(true);
    try (SocketIoTestClient client = SocketIoTestClient.open(port(), tokenA("runtime-refused"))) {
      client.next();
      client.connect(null);
      assertEquals("44{\"message\":\"bad_gateway\"}", client.next(), "the runtime's own message is not relayed");
      assertEquals(1011, client.awaitClose(Duration.ofSeconds(5)));
      awaitClosed(runtime().awaitConnection());
    }
    assertEquals(1, countEvents("runtime-refused", "upstream_refused", "socketio.connect", 1011));
  }

  @Test
  void engine_io_ping_and_pong_pass_through() throws Exception {
    try (SocketIoTestClient client = connected("heartbeat")) {
      FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
      upstream.send("2");
      assertEquals("2", client.next());
      client.send("3");
      assertEquals("3", upstream.awaitFrame("3"::equals));
    }
  }

  // ------------------------------------------------------------------ events

  @Test
  @Tag("T-ISO-004")
  @Tag("T-ISO-005")
  void joining_an_own_channel_is_forwarded_without_an_entity_or_dm_markers() throws Exception {
    try (SocketIoTestClient client = connected("joiner")) {
      FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
      client.emit("1", join(CHANNEL_A, SERVER_A).put("agentId", AGENT_A).put("entityId", UUID.randomUUID().toString())
          .put("metadata", new JsonObject().put("originalId", "someone-else").put("isDm", false)));
      JsonObject forwarded = payloadOf(upstream.awaitFrame(f -> f.startsWith("42[\"1\"")));
      assertFalse(forwarded.containsKey("entityId"), "a client-named entity never reaches the runtime");
      assertEquals(CHANNEL_A, forwarded.getString("channelId"));
      assertEquals(CHANNEL_A, forwarded.getString("roomId"));
      assertEquals(new JsonObject(), forwarded.getJsonObject("metadata"));
    }
    assertEquals(1, countEvents("joiner", "allowed", "socketio.join", null));
    assertTrue(resourceIds("joiner", "socketio.join").stream().allMatch(ids -> ids.contains(CHANNEL_A) && ids.contains(AGENT_A)));
  }

  @Test
  @Tag("T-ISO-004")
  void joining_another_workspaces_channel_is_refused_and_never_reaches_the_runtime() throws Exception {
    try (SocketIoTestClient client = connected("intruder")) {
      FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
      client.emit("1", join(CHANNEL_B, SERVER_A));
      assertEquals("42[\"messageError\",{\"error\":\"forbidden\"}]", client.next());
      // roomId is read when channelId is empty, as the runtime reads it.
      client.emit("1", new JsonObject().put("channelId", "").put("roomId", CHANNEL_B).put("messageServerId", SERVER_A));
      assertEquals("42[\"messageError\",{\"error\":\"forbidden\"}]", client.next());
      client.emit("1", join(CHANNEL_A, SERVER_B));
      assertEquals("42[\"messageError\",{\"error\":\"forbidden\"}]", client.next());
      // A later allowed event arrives, so the refused ones would have arrived before it.
      client.emit("1", join(CHANNEL_A, SERVER_A));
      upstream.awaitFrame(f -> f.startsWith("42[\"1\""));
      List<String> events = upstream.frames().stream().filter(f -> f.startsWith("42")).toList();
      assertEquals(1, events.size(), "only the allowed join reached the runtime: " + events);
      assertFalse(events.get(0).contains(CHANNEL_B) || events.get(0).contains(SERVER_B));
    }
    assertEquals(2, countEvents("intruder", "channel_not_owned", "socketio.join", null));
    assertEquals(1, countEvents("intruder", "server_not_owned", "socketio.join", null));
  }

  @Test
  @Tag("T-ISO-005")
  void a_send_with_a_spoofed_sender_is_forwarded_as_the_caller_also_inside_the_message_wrapper() throws Exception {
    String victim = UUID.randomUUID().toString();
    try (SocketIoTestClient client = connected("sender")) {
      FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
      client.emit("2", send(CHANNEL_A, SERVER_A, "hello").put("senderId", victim));
      JsonObject direct = payloadOf(upstream.awaitFrame(f -> f.startsWith("42[\"2\"")));
      assertEquals(entityA("sender"), direct.getString("senderId"));
      assertEquals("hello", direct.getString("message"));
      client.emit("message", new JsonObject().put("type", 2)
          .put("payload", send(CHANNEL_A, SERVER_A, "wrapped").put("senderId", victim)));
      JsonObject wrapper = new JsonArray(upstream.awaitFrame(f -> f.startsWith("42[\"message\"")).substring(2))
          .getJsonObject(1);
      assertEquals(2, wrapper.getInteger("type"));
      assertEquals(entityA("sender"), wrapper.getJsonObject("payload").getString("senderId"));
      assertFalse(upstream.frames().stream().anyMatch(f -> f.contains(victim)), "the spoofed id never arrives");
    }
    assertEquals(2, countEvents("sender", "allowed", "socketio.send", null));
  }

  @Test
  @Tag("T-ISO-004")
  void sending_to_a_foreign_channel_or_naming_a_foreign_agent_is_refused() throws Exception {
    try (SocketIoTestClient client = connected("foreign-sender")) {
      FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
      client.emit("2", send(CHANNEL_B, SERVER_B, "into b"));
      assertEquals("42[\"messageError\",{\"error\":\"forbidden\"}]", client.next());
      client.emit("message", new JsonObject().put("type", 2).put("payload", send(CHANNEL_B, SERVER_A, "wrapped")));
      assertEquals("42[\"messageError\",{\"error\":\"forbidden\"}]", client.next());
      client.emit("2", send(CHANNEL_A, SERVER_A, "dm").put("metadata",
          new JsonObject().put("isDm", true).put("targetUserId", UUID.randomUUID().toString())));
      assertEquals("42[\"messageError\",{\"error\":\"forbidden\"}]", client.next());
      // With an acknowledgement id, the refusal is the acknowledgement.
      client.send("4217" + new JsonArray().add("2").add(send(CHANNEL_B, SERVER_B, "acked")).encode());
      assertEquals("4317[{\"error\":\"forbidden\"}]", client.next());
      client.emit("1", join(CHANNEL_A, SERVER_A));
      upstream.awaitFrame(f -> f.startsWith("42[\"1\""));
      assertEquals(1, upstream.frames().stream().filter(f -> f.startsWith("42")).count());
    }
    assertEquals(3, countEvents("foreign-sender", "channel_not_owned", "socketio.send", null));
    assertEquals(1, countEvents("foreign-sender", "agent_not_owned", "socketio.send", null));
  }

  @Test
  @Tag("T-ISO-004")
  void log_subscriptions_unknown_events_and_other_namespaces_are_refused() throws Exception {
    try (SocketIoTestClient client = connected("logs")) {
      FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
      client.emit("subscribe_logs", new JsonObject());
      assertEquals("42[\"messageError\",{\"error\":\"forbidden\"}]", client.next());
      client.emit("update_log_filters", new JsonObject().put("agentName", "all").put("level", "debug"));
      assertEquals("42[\"messageError\",{\"error\":\"forbidden\"}]", client.next());
      client.emit("3", new JsonObject().put("channelId", CHANNEL_A));
      assertEquals("42[\"messageError\",{\"error\":\"forbidden\"}]", client.next());
      client.send("42/admin,[\"1\",{}]");
      client.emit("1", join(CHANNEL_A, SERVER_A));
      upstream.awaitFrame(f -> f.startsWith("42[\"1\""));
      List<String> events = upstream.frames().stream().filter(f -> f.startsWith("42")).toList();
      assertEquals(1, events.size(), "only the join reached the runtime: " + events);
    }
    assertEquals(2, countEvents("logs", "log_subscription_refused", "socketio.logs", null));
    assertEquals(1, countEvents("logs", "unknown_event", "socketio.unknown", null));
    assertEquals(1, countEvents("logs", "namespace_refused", "socketio.message", null));
  }

  // ------------------------------------------------------------------ caps

  @Test
  @Tag("T-DOS-006")
  void a_message_over_the_size_cap_closes_the_socket_with_1009() throws Exception {
    try (SocketIoTestClient client = connected("big")) {
      FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
      client.emit("2", send(CHANNEL_A, SERVER_A, "x".repeat(MAX_MESSAGE_BYTES)));
      assertEquals(1009, client.awaitClose(Duration.ofSeconds(5)));
      assertFalse(upstream.frames().stream().anyMatch(f -> f.startsWith("42")), "nothing of it reached the runtime");
    }
    assertEquals(1, countEvents("big", "message_too_large", "socketio.message", 1009));
  }

  @Test
  @Tag("T-DOS-006")
  void a_frame_over_the_listeners_frame_limit_drops_the_connection_and_is_audited() throws Exception {
    try (SocketIoTestClient client = connected("huge")) {
      FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
      client.emit("2", send(CHANNEL_A, SERVER_A, "x".repeat(70_000)));
      // The WebSocket decoder refuses the frame by its header and drops the connection while the
      // client is still sending, so the close frame (1009) may be lost to the reset (1006).
      short code = client.awaitClose(Duration.ofSeconds(5));
      assertTrue(code == 1009 || code == 1006, "closed with " + code);
      awaitClosed(upstream);
      assertFalse(upstream.frames().stream().anyMatch(f -> f.startsWith("42")), "nothing of it reached the runtime");
    }
    assertEquals(1, countEvents("huge", "message_too_large", "socketio.message", 1009));
  }

  @Test
  @Tag("T-DOS-002")
  void messages_beyond_the_per_socket_rate_close_the_socket_with_1008() throws Exception {
    try (SocketIoTestClient client = connected("flood")) {
      FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
      for (int i = 0; i < BURST + 4 && !client.isClosed(); i++) {
        try {
          client.emit("1", join(CHANNEL_A, SERVER_A));
        } catch (java.util.concurrent.ExecutionException closedMeanwhile) {
          // The gateway closed the socket between the check and this send: what the test waits for.
          break;
        }
      }
      assertEquals(1008, client.awaitClose(Duration.ofSeconds(5)));
      long forwarded = upstream.frames().stream().filter(f -> f.startsWith("42")).count();
      assertTrue(forwarded < BURST + 4, "the runtime got " + forwarded + " of " + (BURST + 4));
    }
    assertEquals(1, countEvents("flood", "message_rate_limited", "socketio.message", 1008));
  }

  // ------------------------------------------------------------------ token lifetime

  @Test
  @Tag("T-AUTH-015")
  void revoking_the_token_closes_the_socket_with_1008_within_the_recheck_interval() throws Exception {
    JsonObject minted = fixture.admin.mint(workspaceA, "revoked", CHAT, "10m");
    try (SocketIoTestClient client = SocketIoTestClient.open(port(), minted.getString("token"))) {
      client.handshake(null);
      FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
      long revokedAt = System.nanoTime();
      fixture.admin.post("/admin/v1/tokens/revoke", new JsonObject().put("jti", minted.getString("jti")));
      assertEquals(1008, client.awaitClose(Duration.ofSeconds(3)));
      Duration took = Duration.ofNanos(System.nanoTime() - revokedAt);
      assertTrue(took.compareTo(RECHECK.plusSeconds(1)) < 0, "closed after " + took);
      awaitClosed(upstream);
    }
    assertEquals(1, countEvents("revoked", "revoked", "socketio.session", 1008));
  }

  @Test
  @Tag("T-AUTH-015")
  void a_message_after_revocation_is_not_forwarded() throws Exception {
    JsonObject minted = fixture.admin.mint(workspaceA, "revoked-mid-message", CHAT, "10m");
    try (SocketIoTestClient client = SocketIoTestClient.open(port(), minted.getString("token"))) {
      client.handshake(null);
      FakeSocketIoRuntime.Connection upstream = runtime().awaitConnection();
      fixture.admin.post("/admin/v1/tokens/revoke", new JsonObject().put("jti", minted.getString("jti")));
      try {
        client.emit("1", join(CHANNEL_A, SERVER_A));
      } catch (Exception closedMeanwhile) {
        // The timer may have closed the socket first; either way nothing may reach the runtime.
      }
      assertEquals(1008, client.awaitClose(Duration.ofSeconds(3)));
      assertFalse(upstream.frames().stream().anyMatch(f -> f.startsWith("42")));
    }
  }

  @Test
  @Tag("T-AUTH-015")
  void an_expiring_token_closes_the_socket_with_1008_at_expiry() throws Exception {
    JsonObject minted = fixture.admin.mint(workspaceA, "expiring", CHAT, "3s");
    try (SocketIoTestClient client = SocketIoTestClient.open(port(), minted.getString("token"))) {
      client.handshake(null);
      assertEquals(1008, client.awaitClose(Duration.ofSeconds(6)));
    }
    assertEquals(1, countEvents("expiring", "expired", "socketio.session", 1008));
  }

  @Test
  @Tag("T-AUTH-015")
  void locking_the_workspace_closes_its_sockets_with_1008() throws Exception {
    String workspace = fixture.admin.createWorkspace("socket-locked");
    String token = fixture.admin.mint(workspace, "locked-out", CHAT);
    try (SocketIoTestClient client = SocketIoTestClient.open(port(), token)) {
      client.handshake(null);
      fixture.admin.post("/admin/v1/workspaces/" + workspace + "/lock", null);
      assertEquals(1008, client.awaitClose(Duration.ofSeconds(3)));
    }
    assertEquals(1, countEvents("locked-out", "workspace_locked", "socketio.session", 1008));
  }

  // ------------------------------------------------------------------ audit

  @Test
  @Tag("T-AUD-004")
  void socket_audit_events_carry_no_message_content_and_no_token() throws Exception {
    String canary = "canary-" + UUID.randomUUID();
    String token = tokenA("canary");
    try (SocketIoTestClient client = SocketIoTestClient.open(port(), token)) {
      client.handshake(null);
      runtime().awaitConnection();
      client.emit("2", send(CHANNEL_A, SERVER_A, canary));
      client.emit("2", send(CHANNEL_B, SERVER_B, canary));
      client.next();
    }
    awaitEvents("canary", 3);
    try (Connection c = DriverManager.getConnection(fixture.database.jdbcUrl());
        PreparedStatement select = c.prepareStatement(
            "SELECT count(*) FROM audit_events e WHERE row_to_json(e)::text LIKE ? OR row_to_json(e)::text LIKE ?")) {
      select.setString(1, "%" + canary + "%");
      select.setString(2, "%" + token.substring(token.lastIndexOf('.') + 1) + "%");
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        assertEquals(0, rs.getLong(1));
      }
    }
  }

  @Test
  @Tag("T-AUD-001")
  void the_upgrade_itself_is_one_audit_event_under_the_socketio_route() throws Exception {
    try (SocketIoTestClient client = SocketIoTestClient.open(port(), tokenA("upgrade-audit"))) {
      client.handshake(null);
    }
    assertEquals(400, SocketIoTestClient.refusedUpgrade(port(), "/socket.io/?EIO=4&transport=flashsocket", (String) null));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<String> upgrades = upgradeEvents("upgrade-audit");
    while (upgrades.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      upgrades = upgradeEvents("upgrade-audit");
    }
    Thread.sleep(300);
    assertEquals(List.of("allow allowed 101"), upgradeEvents("upgrade-audit"));
    assertTrue(query(null, "socketio_transport_refused", null, 400) >= 1, "the refused transport is audited");
  }

  /** Decision and reason of the subject's events that are not message decisions (no message type). */
  static List<String> upgradeEvents(String subject) throws Exception {
    try (Connection c = DriverManager.getConnection(fixture.database.jdbcUrl());
        PreparedStatement select = c.prepareStatement("SELECT decision, reason_key, status FROM audit_events"
            + " WHERE subject = ? AND message_type IS NULL AND route_id = 'socketio'")) {
      select.setString(1, subject);
      List<String> found = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getObject(3));
        }
      }
      return found;
    }
  }

  // ------------------------------------------------------------------ helpers

  static void awaitClosed(FakeSocketIoRuntime.Connection upstream) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!upstream.closed() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(upstream.closed(), "the gateway closed its runtime socket too");
  }

  /**
   * Websocket audit events with this subject (null: unauthenticated), reason, message type and
   * status (null: no status); waits up to 10 s for at least one to be stored.
   */
  static long countEvents(String subject, String reason, String messageType, Integer status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long count;
    do {
      count = query(subject, reason, messageType, status);
      if (count > 0) {
        Thread.sleep(300);
        return query(subject, reason, messageType, status);
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    return count;
  }

  static void awaitEvents(String subject, int atLeast) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (resourceIds(subject, null).size() < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  static long query(String subject, String reason, String messageType, Integer status) throws Exception {
    try (Connection c = DriverManager.getConnection(fixture.database.jdbcUrl());
        PreparedStatement select = c.prepareStatement("SELECT count(*) FROM audit_events WHERE kind = 'websocket'"
            + " AND subject IS NOT DISTINCT FROM ? AND reason_key = ? AND message_type IS NOT DISTINCT FROM ?"
            + " AND status IS NOT DISTINCT FROM ? AND route_id = 'socketio'")) {
      select.setString(1, subject);
      select.setString(2, reason);
      select.setString(3, messageType);
      select.setObject(4, status);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The resource ids of the subject's websocket events (of one message type, or all when null), as JSON text. */
  static List<String> resourceIds(String subject, String messageType) throws Exception {
    try (Connection c = DriverManager.getConnection(fixture.database.jdbcUrl());
        PreparedStatement select = c.prepareStatement("SELECT resource_ids::text FROM audit_events"
            + " WHERE kind = 'websocket' AND subject = ? AND (? IS NULL OR message_type = ?)")) {
      select.setString(1, subject);
      select.setString(2, messageType);
      select.setString(3, messageType);
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    }
  }
}
