package dev.gatehouse.gateway.socketio;

import static dev.gatehouse.gateway.testsupport.Claims.claim;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.ownership.ResourceKind;
import dev.gatehouse.gateway.runtime.ManagedRuntime;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.ElizaRuntimes;
import dev.gatehouse.gateway.testsupport.SocketIoTestClient;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.workspace.EntityIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Socket.IO endpoint in front of the real elizaOS 1.7.2 Socket.IO server: workspace A joins
 * and posts to its own channel (the runtime records the message as A's entity, whatever sender A
 * claims); workspace B can neither join nor post to it.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class SocketIoElizaIT {

  static final List<String> CHAT = List.of("messages:read", "messages:write");
  static final String FORBIDDEN = "42[\"messageError\",{\"error\":\"forbidden\"}]";

  @TempDir
  static Path dir;
  static ManagedRuntime runtime;
  static TestDatabase database;
  static Gateway gateway;
  static AdminClient admin;
  static String workspaceA;
  static String workspaceB;
  static String server;
  static String channel;
  /** HTTP/1.1: the runtime drops requests offering an h2c upgrade. */
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    runtime = ElizaRuntimes.shared();
    database = new TestDatabase();
    List<String> settings = new ArrayList<>(ElizaRuntimes.gatewaySettings(runtime));
    settings.add("database.url=" + database.url());
    settings.add("policy.file=" + ElizaRuntimes.DEFAULT_POLICY);
    gateway = TestGateways.start(dir.resolve("gateway"), settings.toArray(new String[0]));
    admin = new AdminClient(gateway);
    workspaceA = admin.createWorkspace("eliza-socket-a");
    workspaceB = admin.createWorkspace("eliza-socket-b");
    // Provisioned by the operator, directly on the runtime: A's channel on the runtime's message server.
    server = runtimeJson("GET", "/api/messaging/message-server/current", null)
        .getJsonObject("data").getString("messageServerId");
    channel = runtimeJson("POST", "/api/messaging/channels", new JsonObject()
        .put("name", "a-channel")
        .put("message_server_id", server)
        .put("participantCentralUserIds", new JsonArray().add(EntityIds.of(workspaceA, "alice").toString())))
        .getJsonObject("data").getString("id");
    claim(gateway, workspaceA, ResourceKind.CHANNEL, channel);
    claim(gateway, workspaceA, ResourceKind.MESSAGE_SERVER, server);
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    if (database != null) {
      database.close();
    }
  }

  static JsonObject runtimeJson(String method, String path, JsonObject body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(runtime.target().url().resolve(path))
        .header("X-API-KEY", runtime.target().apiKey().orElseThrow())
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(response.statusCode() / 100 == 2, method + " " + path + " answered " + response.statusCode());
    return new JsonObject(response.body());
  }

  static JsonObject payloadOf(String frame) {
    return new JsonArray(frame.substring(2)).getJsonObject(1);
  }

  @Test
  @Tag("T-ISO-004")
  @Tag("T-ISO-005")
  void the_owner_joins_and_posts_as_its_own_entity_and_another_workspace_can_do_neither() throws Exception {
    String alice = EntityIds.of(workspaceA, "alice").toString();
    String text = "hello from a " + UUID.randomUUID();
    try (SocketIoTestClient a = SocketIoTestClient.open(gateway.port(), admin.mint(workspaceA, "alice", CHAT))) {
      a.handshake(null);
      a.emit("1", new JsonObject().put("channelId", channel).put("messageServerId", server));
      JsonObject joined = payloadOf(a.await(f -> f.startsWith("42[\"channel_joined\"")));
      assertEquals(channel, joined.getString("channelId"));

      a.emit("2", new JsonObject().put("channelId", channel).put("messageServerId", server)
          .put("senderId", UUID.randomUUID().toString()).put("senderName", "alice").put("message", text));
      JsonObject broadcast = payloadOf(a.await(f -> f.startsWith("42[\"messageBroadcast\"") && f.contains(text)));
      assertEquals(alice, broadcast.getString("senderId"), "the runtime recorded the caller's entity");
    }

    try (SocketIoTestClient b = SocketIoTestClient.open(gateway.port(), admin.mint(workspaceB, "bob", CHAT))) {
      b.handshake(null);
      b.emit("1", new JsonObject().put("channelId", channel).put("messageServerId", server));
      assertEquals(FORBIDDEN, b.await(f -> f.startsWith("42[\"messageError\"")));
      b.emit("2", new JsonObject().put("channelId", channel).put("messageServerId", server)
          .put("senderId", alice).put("message", "from b"));
      assertEquals(FORBIDDEN, b.await(f -> f.startsWith("42[\"messageError\"")));
    }

    JsonArray messages = runtimeJson("GET", "/api/messaging/channels/" + channel + "/messages", null)
        .getJsonObject("data").getJsonArray("messages");
    assertEquals(1, messages.size(), messages.encode());
    assertEquals(alice, messages.getJsonObject(0).getString("authorId"), messages.encode());
    assertEquals(text, messages.getJsonObject(0).getString("content"));
  }

  @Test
  @Tag("T-ISO-004")
  void a_log_subscription_is_refused_and_the_socket_stays_usable() throws Exception {
    try (SocketIoTestClient a = SocketIoTestClient.open(gateway.port(), admin.mint(workspaceA, "alice", CHAT))) {
      a.handshake(null);
      a.emit("subscribe_logs", new JsonObject());
      assertEquals(FORBIDDEN, a.await(f -> f.startsWith("42[\"messageError\"")));
      a.emit("1", new JsonObject().put("channelId", channel).put("messageServerId", server));
      JsonObject joined = payloadOf(a.await(f -> f.startsWith("42[\"channel_joined\"")));
      assertEquals(channel, joined.getString("channelId"));
      assertFalse(a.isClosed());
    }
  }

  @Test
  @Tag("T-AUTH-015")
  void revoking_the_owners_token_closes_its_joined_socket_with_1008() throws Exception {
    JsonObject minted = admin.mint(workspaceA, "alice", CHAT, "10m");
    try (SocketIoTestClient a = SocketIoTestClient.open(gateway.port(), minted.getString("token"))) {
      a.handshake(null);
      a.emit("1", new JsonObject().put("channelId", channel).put("messageServerId", server));
      a.await(f -> f.startsWith("42[\"channel_joined\""));
      admin.post("/admin/v1/tokens/revoke", new JsonObject().put("jti", minted.getString("jti")));
      assertEquals(1008, a.awaitClose(Duration.ofSeconds(5)));
    }
  }

  @Test
  @Tag("T-AUTH-015")
  void an_expiring_token_closes_the_owners_joined_socket_with_1008() throws Exception {
    JsonObject minted = admin.mint(workspaceA, "alice", CHAT, "4s");
    try (SocketIoTestClient a = SocketIoTestClient.open(gateway.port(), minted.getString("token"))) {
      a.handshake(null);
      a.emit("1", new JsonObject().put("channelId", channel).put("messageServerId", server));
      a.await(f -> f.startsWith("42[\"channel_joined\""));
      assertEquals(1008, a.awaitClose(Duration.ofSeconds(8)));
    }
  }
}
