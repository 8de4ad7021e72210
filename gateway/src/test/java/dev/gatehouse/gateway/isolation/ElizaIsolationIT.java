package dev.gatehouse.gateway.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.ownership.ResourceKind;
import dev.gatehouse.gateway.runtime.ManagedRuntime;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.ElizaRuntimes;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.workspace.EntityIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workspace isolation end to end in front of the real elizaOS 1.7.2 server (the JVM's shared
 * managed runtime), with the shipped policy. Users of workspaces A and B run the same flows at
 * the same time: deploy agents (one of them with the same name in both), start one, open a
 * channel and post into it, open a session, create a room and a world. Then each sees only its
 * own items, and each workspace's token is run through the whole route matrix with the other's ids.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ElizaIsolationIT {

  static final String SECRET = "sk-eliza-secret-canary-5e8a";
  static final List<String> SCOPES = List.of("agents:read", "agents:write", "messages:read", "messages:write",
      "memories:read", "memories:write", "media:read", "media:write");
  /** The runtime drops requests that offer an h2c upgrade. */
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  static Path dir;
  static ManagedRuntime runtime;
  static TestDatabase database;
  static Gateway gateway;
  static Flow a;
  static Flow b;
  static List<String> forbidden;
  static final List<String> answers = Collections.synchronizedList(new ArrayList<>());

  /** One workspace's user and everything its flow created. */
  static final class Flow {
    final String name;
    final String workspace;
    final String token;
    final Map<ResourceKind, String> ids = new EnumMap<>(ResourceKind.class);
    String soloAgent;

    Flow(String name, String workspace, String token) {
      this.name = name;
      this.workspace = workspace;
      this.token = token;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    runtime = ElizaRuntimes.shared();
    database = new TestDatabase();
    List<String> settings = new ArrayList<>(ElizaRuntimes.gatewaySettings(runtime));
    settings.add("database.url=" + database.url());
    settings.add("policy.file=" + ElizaRuntimes.DEFAULT_POLICY);
    // The route matrix sends hundreds of requests per token in a few seconds; budgets are RateLimitIT's subject.
    settings.add("limits.perToken.burst=100000");
    settings.add("limits.perAddress.burst=100000");
    settings.add("limits.perWorkspace.burst=100000");
    gateway = TestGateways.start(dir.resolve("gateway"), settings.toArray(new String[0]));
    AdminClient admin = new AdminClient(gateway);
    String wa = admin.createWorkspace("eliza-a");
    String wb = admin.createWorkspace("eliza-b");
    a = new Flow("a", wa, admin.mint(wa, "alice", SCOPES));
    b = new Flow("b", wb, admin.mint(wb, "bob", SCOPES));
    String salt = environmentOf(runtime.pid()).get("SECRET_SALT");
    assertTrue(salt != null && salt.length() >= 32, "the runtime runs with a generated salt");
    forbidden = List.of(runtime.apiKey().revealUtf8(), salt, SECRET);
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    if (database != null) {
      database.close();
    }
  }

  static JsonObject call(Flow who, String method, String target, JsonObject body, int expected) throws Exception {
    HttpResponse<String> response = send(who, method, target, body);
    assertEquals(expected, response.statusCode(), who.name + " " + method + " " + target + ": " + response.body());
    return response.body().isBlank() ? new JsonObject() : new JsonObject(response.body());
  }

  static HttpResponse<String> send(Flow who, String method, String target, JsonObject body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(TestGateways.mainUrl(gateway) + target))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + who.token)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    answers.add(response.headers().map() + response.body());
    return response;
  }

  static String deploy(Flow who, String name) throws Exception {
    JsonObject character = new JsonObject().put("name", name).put("bio", "isolation test agent")
        .put("plugins", new JsonArray().add("@elizaos/plugin-sql"))
        .put("settings", new JsonObject().put("secrets", new JsonObject().put("OPENAI_API_KEY", SECRET)))
        .put("secrets", new JsonObject().put("TOKEN", SECRET));
    return call(who, "POST", "/api/agents", new JsonObject().put("characterJson", character), 201)
        .getJsonObject("data").getString("id");
  }

  /** The flow every user runs; A's and B's run at the same time. */
  static void run(Flow who, String twinName) {
    try {
      String twin = deploy(who, twinName);
      who.ids.put(ResourceKind.AGENT, twin);
      who.soloAgent = deploy(who, "Solo-" + who.name + "-" + UUID.randomUUID());
      call(who, "POST", "/api/agents/" + twin + "/start", null, 200);
      String entity = EntityIds.of(who.workspace, who.name.equals("a") ? "alice" : "bob").toString();
      who.ids.put(ResourceKind.ENTITY, entity);

      JsonObject channel = call(who, "POST", "/api/messaging/channels", new JsonObject().put("name", "general-" + who.name)
          .put("participantCentralUserIds", new JsonArray().add(entity).add(twin)), 201).getJsonObject("data");
      String channelId = channel.getString("id");
      who.ids.put(ResourceKind.CHANNEL, channelId);
      who.ids.put(ResourceKind.MESSAGE_SERVER, channel.getString("messageServerId"));
      call(who, "POST", "/api/messaging/channels/" + channelId + "/messages", new JsonObject()
          .put("author_id", UUID.randomUUID().toString()).put("content", "hello from " + who.name), 201);
      JsonArray messages = call(who, "GET", "/api/messaging/channels/" + channelId + "/messages", null, 200)
          .getJsonObject("data").getJsonArray("messages");
      assertEquals(1, messages.size(), who.name + " sees its one message: " + messages);
      assertEquals(entity, messages.getJsonObject(0).getString("authorId"), "the author is the caller's entity");
      who.ids.put(ResourceKind.MESSAGE, messages.getJsonObject(0).getString("id"));

      JsonObject session = call(who, "POST", "/api/messaging/sessions", new JsonObject().put("agentId", twin)
          .put("userId", UUID.randomUUID().toString()), 201);
      who.ids.put(ResourceKind.SESSION, session.getString("sessionId"));
      assertEquals(entity, session.getString("userId"), "the session's user is the caller's entity");

      JsonObject room = call(who, "POST", "/api/agents/" + twin + "/rooms",
          new JsonObject().put("name", "room-" + who.name), 201).getJsonObject("data");
      who.ids.put(ResourceKind.ROOM, room.getString("id"));
      JsonObject world = call(who, "POST", "/api/agents/" + twin + "/worlds",
          new JsonObject().put("name", "world-" + who.name), 201).getJsonObject("data").getJsonObject("world");
      who.ids.put(ResourceKind.WORLD, world.getString("id"));
    } catch (Exception e) {
      throw new IllegalStateException(who.name + "'s flow failed", e);
    }
  }

  @Test
  @Order(1)
  @Tag("T-ISO-006")
  @Tag("T-ISO-005")
  void two_workspaces_run_their_flows_concurrently_and_equal_names_stay_separate() throws Exception {
    String twinName = "Twin-" + UUID.randomUUID();
    CompletableFuture<Void> runA = CompletableFuture.runAsync(() -> run(a, twinName));
    CompletableFuture<Void> runB = CompletableFuture.runAsync(() -> run(b, twinName));
    CompletableFuture.allOf(runA, runB).get(10, TimeUnit.MINUTES);

    assertNotEquals(a.ids.get(ResourceKind.AGENT), b.ids.get(ResourceKind.AGENT), "same name, two agents");
    assertNotEquals(a.ids.get(ResourceKind.MESSAGE_SERVER), b.ids.get(ResourceKind.MESSAGE_SERVER));
    JsonObject agentA = call(a, "GET", "/api/agents/" + a.ids.get(ResourceKind.AGENT), null, 200).getJsonObject("data");
    JsonObject agentB = call(b, "GET", "/api/agents/" + b.ids.get(ResourceKind.AGENT), null, 200).getJsonObject("data");
    assertEquals(twinName, agentA.getString("name"));
    assertEquals(twinName, agentB.getString("name"));
    call(a, "PATCH", "/api/agents/" + a.ids.get(ResourceKind.AGENT), new JsonObject().put("bio", "only A's"), 200);
    assertNotEquals("only A's", call(b, "GET", "/api/agents/" + b.ids.get(ResourceKind.AGENT), null, 200)
        .getJsonObject("data").getValue("bio").toString(), "changing A's twin leaves B's alone");
  }

  @Test
  @Order(2)
  @Tag("T-ISO-003")
  void every_list_shows_each_workspace_only_its_own_items() throws Exception {
    for (Flow who : List.of(a, b)) {
      Flow other = who == a ? b : a;
      List<String> agents = ids(call(who, "GET", "/api/agents", null, 200).getJsonObject("data").getJsonArray("agents"), "id");
      assertTrue(agents.containsAll(List.of(who.ids.get(ResourceKind.AGENT), who.soloAgent)), who.name + ": " + agents);
      assertFalse(agents.contains(other.ids.get(ResourceKind.AGENT)));
      assertFalse(agents.contains(other.soloAgent));

      List<String> servers = ids(call(who, "GET", "/api/messaging/message-servers", null, 200)
          .getJsonObject("data").getJsonArray("messageServers"), "id");
      assertEquals(List.of(who.ids.get(ResourceKind.MESSAGE_SERVER)), servers);
      assertEquals(who.ids.get(ResourceKind.MESSAGE_SERVER), call(who, "GET", "/api/messaging/message-server/current",
          null, 200).getJsonObject("data").getString("messageServerId"));

      List<String> channels = ids(call(who, "GET", "/api/messaging/message-servers/"
          + who.ids.get(ResourceKind.MESSAGE_SERVER) + "/channels", null, 200).getJsonObject("data").getJsonArray("channels"), "id");
      assertEquals(List.of(who.ids.get(ResourceKind.CHANNEL)), channels);

      JsonObject sessions = call(who, "GET", "/api/messaging/sessions", null, 200);
      List<String> sessionIds = ids(sessions.getJsonArray("sessions"), "sessionId");
      assertTrue(sessionIds.contains(who.ids.get(ResourceKind.SESSION)));
      assertFalse(sessionIds.contains(other.ids.get(ResourceKind.SESSION)));
      assertFalse(sessions.containsKey("stats"), "no totals over all workspaces");

      List<String> rooms = ids(call(who, "GET", "/api/agents/" + who.ids.get(ResourceKind.AGENT) + "/rooms", null, 200)
          .getJsonObject("data").getJsonArray("rooms"), "id");
      assertTrue(rooms.contains(who.ids.get(ResourceKind.ROOM)), rooms.toString());
      assertFalse(rooms.contains(other.ids.get(ResourceKind.ROOM)));

      List<Object> participants = call(who, "GET", "/api/messaging/channels/" + who.ids.get(ResourceKind.CHANNEL)
          + "/participants", null, 200).getJsonArray("data").getList();
      assertTrue(participants.contains(who.ids.get(ResourceKind.AGENT)));
      assertFalse(participants.contains(other.ids.get(ResourceKind.AGENT)));
    }
  }

  @Test
  @Order(3)
  @Tag("T-ISO-002")
  @Tag("T-ISO-003")
  @Tag("T-ISO-001")
  void every_route_refuses_each_workspace_the_other_workspaces_ids() throws Exception {
    for (Flow owner : List.of(a, b)) {
      Flow intruder = owner == a ? b : a;
      Map<ResourceKind, String> ids = new EnumMap<>(owner.ids);
      for (ResourceKind kind : ResourceKind.values()) {
        if (!ids.containsKey(kind)) {
          // Kinds the runtime only creates while agents answer (memories, logs, runs, jobs, media)
          // need a model; an owned id is enough to prove the other workspace is refused.
          String id = UUID.randomUUID().toString();
          assertTrue(Await.result(gateway.ownership().claim(owner.workspace, kind, id)));
          ids.put(kind, id);
        }
      }
      List<IsolationMatrix.Row> rows = new IsolationMatrix(TestGateways.mainUrl(gateway), intruder.token, ids, forbidden).run();
      assertEquals(IsolationMatrix.shippedPolicy().routes().size(), rows.size());
      assertEquals(List.of(), rows.stream().filter(r -> !r.problems().isEmpty()).toList(),
          intruder.name + " against " + owner.name + "'s ids");
    }
  }

  @Test
  @Order(4)
  @Tag("T-SEC-011")
  @Tag("T-SEC-012")
  void no_answer_to_any_client_carried_the_runtime_key_the_salt_or_a_secret_value() {
    assertTrue(answers.size() > 20, "the flows produced answers: " + answers.size());
    synchronized (answers) {
      for (String answer : answers) {
        for (String value : forbidden) {
          assertFalse(answer.contains(value), "an answer carried a forbidden value");
        }
        assertFalse(answer.contains("\"secrets\""), "an answer carried a secrets section");
      }
    }
  }

  static List<String> ids(JsonArray items, String field) {
    return items.stream().map(item -> ((JsonObject) item).getString(field)).toList();
  }

  static Map<String, String> environmentOf(long pid) throws Exception {
    Map<String, String> env = new java.util.HashMap<>();
    String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8);
    for (String entry : raw.split("\0")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env;
  }
}
