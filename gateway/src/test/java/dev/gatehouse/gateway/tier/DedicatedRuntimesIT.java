package dev.gatehouse.gateway.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.runtime.ManagedRuntime;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.ChatClient;
import dev.gatehouse.gateway.testsupport.ElizaRuntimes;
import dev.gatehouse.gateway.testsupport.RuntimeProcesses;
import dev.gatehouse.gateway.testsupport.SocketIoTestClient;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
 * The life of one runtime per workspace, against the real elizaOS with agents that answer: a
 * runtime that dies mid-conversation comes back and answers; a gateway restart loses no agent and
 * no history; the bound on running runtimes refuses a new workspace without touching the others;
 * idle runtimes stop and start again; a locked workspace's runtime stops; a deleted workspace's
 * data is gone; a character naming a plugin outside the allowlist never reaches a runtime.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DedicatedRuntimesIT {

  static final List<String> SCOPES = Conversations.SCOPES;

  @TempDir
  static Path dir;
  static TestDatabase database;
  static Gateway gateway;
  static AdminClient admin;
  static ChatClient alice;
  static String aliceAgent;
  static String aliceChannel;
  static final List<String> said = new ArrayList<>();

  static List<String> settings(String... extra) throws Exception {
    List<String> settings = new ArrayList<>(ElizaRuntimes.dedicatedSettings());
    settings.add("database.url=" + database.url());
    settings.add("policy.file=" + ElizaRuntimes.DEFAULT_POLICY);
    settings.add("runtime.maxRunning=2");
    settings.addAll(List.of(extra));
    return settings;
  }

  static Gateway startGateway(String... extra) throws Exception {
    return TestGateways.start(dir.resolve("gateway"), ElizaRuntimes.environment(),
        settings(extra).toArray(new String[0]));
  }

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    gateway = startGateway();
    admin = new AdminClient(gateway);
    alice = person("life-a", "alice");
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    if (database != null) {
      database.close();
    }
  }

  static ChatClient person(String workspaceName, String subject) throws Exception {
    String workspace = admin.createWorkspace(workspaceName);
    return client(workspace, subject, admin.mint(workspace, subject, SCOPES));
  }

  static ChatClient client(String workspace, String subject, String token) {
    return new ChatClient(TestGateways.mainUrl(gateway), gateway.port(), workspace, subject, token);
  }

  /** The workspace's runtime process (node, started over its data directory), if one runs. */
  static Optional<ProcessHandle> runtimeProcess(String workspace) {
    return RuntimeProcesses.of(dir.resolve("gateway"), workspace);
  }

  static void awaitTrue(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " within " + limit);
      }
      Thread.sleep(200);
    }
  }

  static String ask(ChatClient who, String channel) throws Exception {
    String marker = "MARK-" + UUID.randomUUID();
    assertEquals("echo: " + marker, who.askOverRest(channel, "hello " + marker));
    said.add(marker);
    return marker;
  }

  @Test
  @Order(1)
  void a_runtime_killed_mid_conversation_is_restarted_and_the_next_message_is_answered() throws Exception {
    aliceAgent = alice.deployAgent("Life-" + UUID.randomUUID());
    aliceChannel = alice.openDirectChannel(aliceAgent);
    ask(alice, aliceChannel);
    ProcessHandle first = runtimeProcess(alice.workspace()).orElseThrow();

    try (SocketIoTestClient socket = alice.openSocket()) {
      alice.join(socket, aliceChannel);
      first.destroyForcibly();
      assertTrue(socket.awaitClose(Duration.ofSeconds(30)) > 0, "the runtime's end of the session is gone");
    }

    ask(alice, aliceChannel);
    ProcessHandle second = runtimeProcess(alice.workspace()).orElseThrow();
    assertFalse(first.pid() == second.pid(), "a new process");
    try (SocketIoTestClient socket = alice.openSocket()) {
      alice.join(socket, aliceChannel);
      String marker = "MARK-" + UUID.randomUUID();
      assertEquals("echo: " + marker, alice.askOverSocket(socket, aliceChannel, aliceAgent, "hi " + marker));
    }
  }

  @Test
  @Order(2)
  void after_a_gateway_restart_every_workspace_finds_its_agents_and_history() throws Exception {
    TestGateways.stopQuietly(gateway);
    assertTrue(runtimeProcess(alice.workspace()).isEmpty(), "the gateway stops its runtimes");

    gateway = startGateway();
    admin = new AdminClient(gateway);
    alice = client(alice.workspace(), "alice", alice.token());

    JsonArray agents = alice.call("GET", "/api/agents", null, 200).getJsonObject("data").getJsonArray("agents");
    assertEquals(List.of(aliceAgent), agents.stream().map(a -> ((JsonObject) a).getString("id")).toList());
    String history = alice.call("GET", "/api/messaging/channels/" + aliceChannel + "/messages", null, 200).encode();
    for (String marker : said) {
      assertTrue(history.contains(marker), "the channel still holds " + marker);
    }
    ask(alice, aliceChannel);
  }

  @Test
  @Order(3)
  @Tag("T-DOS-009")
  void with_every_runtime_in_use_a_new_workspace_gets_503_and_the_others_keep_working() throws Exception {
    ChatClient bob = person("life-b", "bob");
    ChatClient carol = person("life-c", "carol");
    String bobAgent = bob.deployAgent("Bob-" + UUID.randomUUID());
    String bobChannel = bob.openDirectChannel(bobAgent);

    try (SocketIoTestClient aliceSocket = alice.openSocket(); SocketIoTestClient bobSocket = bob.openSocket()) {
      HttpResponse<String> refused = carol.send("GET", "/api/agents", null);

      assertEquals(503, refused.statusCode(), refused.body());
      assertEquals("{\"error\":\"unavailable\"}", refused.body());
      assertTrue(refused.headers().firstValue("Retry-After").isPresent());
      assertTrue(runtimeProcess(carol.workspace()).isEmpty(), "no runtime started for the new workspace");
      ask(alice, aliceChannel);
      ask(bob, bobChannel);
      awaitAudited(carol.workspace(), "runtime_capacity");
    }
    awaitTrue(() -> {
      try {
        return carol.send("GET", "/api/agents", null).statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    }, Duration.ofSeconds(60), "the new workspace is served once a runtime is idle");
    assertTrue(runtimeProcess(carol.workspace()).isPresent());
  }

  @Test
  @Order(4)
  @Tag("T-SUP-005")
  void a_character_naming_a_plugin_outside_the_allowlist_is_refused_with_400_and_audited() throws Exception {
    JsonObject character = ElizaRuntimes.character("Rogue-" + UUID.randomUUID());
    character.getJsonArray("plugins").add("@elizaos/plugin-shell");

    HttpResponse<String> created = alice.send("POST", "/api/agents", new JsonObject().put("characterJson", character));
    HttpResponse<String> patched = alice.send("PATCH", "/api/agents/" + aliceAgent, new JsonObject()
        .put("plugins", new JsonArray().add("@elizaos/plugin-sql").add("@elizaos/plugin-shell")));

    assertEquals(400, created.statusCode(), created.body());
    assertEquals("{\"error\":\"bad_request\"}", created.body());
    assertEquals(400, patched.statusCode(), patched.body());
    String agents = alice.call("GET", "/api/agents", null, 200).encode();
    assertFalse(agents.contains(character.getString("name")), "the runtime never received it");
    JsonObject stored = alice.call("GET", "/api/agents/" + aliceAgent, null, 200).getJsonObject("data");
    assertFalse(stored.encode().contains("plugin-shell"), "the agent's plugins are unchanged");
    assertEquals(2, awaitAudited(alice.workspace(), "plugin_not_allowed"));
  }

  @Test
  @Order(5)
  void locking_a_workspace_stops_its_runtime() throws Exception {
    ChatClient dave = person("life-d", "dave");
    dave.call("GET", "/api/agents", null, 200);
    assertTrue(runtimeProcess(dave.workspace()).isPresent());

    admin.post("/admin/v1/workspaces/" + dave.workspace() + "/lock", new JsonObject());

    awaitTrue(() -> runtimeProcess(dave.workspace()).isEmpty(), Duration.ofSeconds(30), "the runtime stops");
    assertEquals(401, dave.send("GET", "/api/agents", null).statusCode());
  }

  @Test
  @Order(6)
  void deleting_a_workspace_stops_its_runtime_and_erases_its_data_for_good() throws Exception {
    ChatClient erin = person("life-e", "erin");
    erin.deployAgent("Erin-" + UUID.randomUUID());
    Path data = dir.resolve("gateway").resolve(Gateway.RUNTIMES_DIR).resolve(erin.workspace());
    assertTrue(Files.isDirectory(data.resolve("db")));

    HttpResponse<String> deleted = admin.delete("/admin/v1/workspaces/" + erin.workspace());

    assertEquals(200, deleted.statusCode(), deleted.body());
    assertEquals("deleted", new JsonObject(deleted.body()).getString("status"));
    assertFalse(Files.exists(data), "the runtime's data is erased");
    assertTrue(runtimeProcess(erin.workspace()).isEmpty());
    assertEquals(401, erin.send("GET", "/api/agents", null).statusCode());
    HttpResponse<String> unlock = admin.send("/admin/v1/workspaces/" + erin.workspace() + "/unlock", new JsonObject());
    assertEquals(409, unlock.statusCode(), unlock.body());
  }

  @Test
  @Order(7)
  void a_runtime_idle_for_the_timeout_stops_and_the_next_message_starts_it_again() throws Exception {
    TestGateways.stopQuietly(gateway);
    gateway = startGateway("runtime.idleTimeout=1s");
    admin = new AdminClient(gateway);
    alice = client(alice.workspace(), "alice", alice.token());
    ask(alice, aliceChannel);
    assertTrue(runtimeProcess(alice.workspace()).isPresent());

    awaitTrue(() -> runtimeProcess(alice.workspace()).isEmpty(), Duration.ofSeconds(30), "the idle runtime stops");

    ask(alice, aliceChannel);
    assertTrue(runtimeProcess(alice.workspace()).isPresent(), "started again on use");
  }

  @Test
  @Order(8)
  void a_workspace_placed_on_a_remote_runtime_converses_there_and_no_local_runtime_starts() throws Exception {
    ManagedRuntime remote = ElizaRuntimes.start(dir.resolve("remote-runtime"));
    try {
      ChatClient frank = person("life-remote", "frank");
      String key = remote.target().apiKey().orElseThrow();
      HttpResponse<String> placed = admin.put("/admin/v1/workspaces/" + frank.workspace() + "/runtime",
          new JsonObject().put("url", remote.target().url().toString()).put("apiKey", key));
      assertEquals(200, placed.statusCode(), placed.body());
      assertEquals("remote", new JsonObject(placed.body()).getString("placement"));
      assertFalse(placed.body().contains(key), "the key is never answered");

      Conversations.Conversation talk = Conversations.converse(frank, "Remote-" + UUID.randomUUID());

      assertEquals("echo: " + talk.restMarker(), talk.restAnswer());
      assertEquals("echo: " + talk.socketMarker(), talk.socketAnswer());
      assertTrue(runtimeProcess(frank.workspace()).isEmpty(), "no local runtime was started for the workspace");
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> direct = http.send(HttpRequest.newBuilder(URI.create(remote.target().url() + "/api/agents/"
          + talk.agent())).header("X-API-KEY", key).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, direct.statusCode(), "the agent lives in the remote runtime");
      HttpResponse<String> shown = admin.get("/admin/v1/workspaces/" + frank.workspace() + "/runtime");
      assertFalse(shown.body().contains(key));
      assertEquals(remote.target().url().toString(), new JsonObject(shown.body()).getString("url"));
    } finally {
      Await.result(remote.stop());
    }
  }

  /** Waits until the workspace's audit trail holds a denial with {@code reason}; how many it holds. */
  static int awaitAudited(String workspace, String reason) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      HttpResponse<String> page = admin.get("/admin/v1/audit?decision=deny&limit=1000&workspace=" + workspace);
      long found = new JsonObject(page.body()).getJsonArray("events").stream()
          .filter(e -> reason.equals(((JsonObject) e).getString("reason_key"))).count();
      if (found > 0 || System.nanoTime() > deadline) {
        assertTrue(found > 0, "a " + reason + " denial was audited");
        return (int) found;
      }
      Thread.sleep(200);
    }
  }
}
