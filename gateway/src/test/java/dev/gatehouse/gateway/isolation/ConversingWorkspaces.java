package dev.gatehouse.gateway.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.ECKey;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.gateway.ownership.ResourceKind;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.ChatClient;
import dev.gatehouse.gateway.testsupport.ElizaRuntimes;
import dev.gatehouse.gateway.testsupport.ExternalIdp;
import dev.gatehouse.gateway.testsupport.SocketIoTestClient;
import dev.gatehouse.gateway.testsupport.StandInModel;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.tier.RuntimeLease;
import dev.gatehouse.gateway.tier.RuntimeTarget;
import dev.gatehouse.secrets.format.CharacterSealer;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.KeyProviders;
import dev.gatehouse.secrets.provider.Profile;
import dev.gatehouse.secrets.provider.local.LocalKeyringConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Workspace isolation end to end in front of the real elizaOS 1.7.2 with agents that answer (the
 * message loop and a model plugin, pointed at the stand-in model), with the shipped policy. The
 * users of workspaces A and B run the same flows at the same time: deploy agents (one with the
 * same name in both), converse with one over REST and over Socket.IO, open a session, create a
 * room and a world. Then each sees only its own items, and each workspace's token is run through
 * the whole route matrix with the other's ids, real memories, logs and runs included. Run once
 * per isolation mode by the subclasses.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ConversingWorkspaces {

  static final String SECRET = "sk-eliza-secret-canary-5e8a";
  static final List<String> SCOPES = List.of("agents:read", "agents:write", "messages:read", "messages:write",
      "memories:read", "memories:write", "media:read", "media:write", "secrets:write");

  /** The gateway under test. */
  abstract Gateway gateway();

  /** Whether anonymous requests on public routes reach a runtime (a shared one). */
  abstract boolean anonymousRuntime();

  /** Values no answer to any client may carry: the runtime keys and salts, the secret values. */
  abstract List<String> forbidden();

  /** One workspace's user and everything its flow created and said. */
  static final class Flow {
    final String name;
    final ChatClient client;
    final Map<ResourceKind, String> ids = new EnumMap<>(ResourceKind.class);
    final List<String> said = new ArrayList<>();
    String soloAgent;

    Flow(String name, ChatClient client) {
      this.name = name;
      this.client = client;
    }

    /** What nobody else may ever see: its ids and the words of its conversations. */
    List<String> own() {
      List<String> own = new ArrayList<>(ids.values());
      own.remove(ChatClient.SERVER);
      own.add(soloAgent);
      own.addAll(said);
      return own;
    }
  }

  static Flow a;
  static Flow b;

  static Flow flow(Gateway gateway, String name, String subject) throws Exception {
    AdminClient admin = new AdminClient(gateway);
    String workspace = admin.createWorkspace("iso-" + name + "-" + UUID.randomUUID().toString().substring(0, 8));
    return new Flow(name, new ChatClient(TestGateways.mainUrl(gateway), gateway.port(), workspace, subject,
        admin.mint(workspace, subject, SCOPES)));
  }

  String deploy(Flow who, String name) throws Exception {
    JsonObject character = ElizaRuntimes.character(name)
        .put("settings", new JsonObject().put("secrets", new JsonObject().put("OPENAI_API_KEY", SECRET)))
        .put("secrets", new JsonObject().put("TOKEN", SECRET));
    return who.client.call("POST", "/api/agents", new JsonObject().put("characterJson", character), 201)
        .getJsonObject("data").getString("id");
  }

  /** The flow every user runs; A's and B's run at the same time. */
  void run(Flow who, String twinName) {
    try {
      ChatClient client = who.client;
      String twin = deploy(who, twinName);
      who.ids.put(ResourceKind.AGENT, twin);
      who.soloAgent = deploy(who, "Solo-" + who.name + "-" + UUID.randomUUID());
      client.call("POST", "/api/agents/" + twin + "/start", null, 200);
      who.ids.put(ResourceKind.ENTITY, client.entity());

      String channel = client.openDirectChannel(twin);
      who.ids.put(ResourceKind.CHANNEL, channel);
      String rest = "MARK-" + who.name + "-rest-" + UUID.randomUUID();
      assertEquals("echo: " + rest, client.askOverRest(channel, "hello " + rest));
      String socketSaid = "MARK-" + who.name + "-socket-" + UUID.randomUUID();
      try (SocketIoTestClient socket = client.openSocket()) {
        client.join(socket, channel);
        assertEquals("echo: " + socketSaid, client.askOverSocket(socket, channel, twin, "hi " + socketSaid));
      }
      who.said.addAll(List.of(rest, socketSaid));

      JsonArray messages = client.call("GET", "/api/messaging/channels/" + channel + "/messages", null, 200)
          .getJsonObject("data").getJsonArray("messages");
      JsonObject mine = messages.stream().map(JsonObject.class::cast)
          .filter(m -> String.valueOf(m.getValue("content")).contains(rest)).findFirst().orElseThrow();
      assertEquals(client.entity(), mine.getString("authorId"), "the author is the caller's entity");
      who.ids.put(ResourceKind.MESSAGE, mine.getString("id"));

      JsonObject session = client.call("POST", "/api/messaging/sessions", new JsonObject().put("agentId", twin)
          .put("userId", UUID.randomUUID().toString()), 201);
      who.ids.put(ResourceKind.SESSION, session.getString("sessionId"));
      assertEquals(client.entity(), session.getString("userId"), "the session's user is the caller's entity");

      JsonObject room = client.call("POST", "/api/agents/" + twin + "/rooms",
          new JsonObject().put("name", "room-" + who.name), 201).getJsonObject("data");
      who.ids.put(ResourceKind.ROOM, room.getString("id"));
      JsonObject world = client.call("POST", "/api/agents/" + twin + "/worlds",
          new JsonObject().put("name", "world-" + who.name), 201).getJsonObject("data").getJsonObject("world");
      who.ids.put(ResourceKind.WORLD, world.getString("id"));

      JsonArray memories = client.call("GET", "/api/agents/" + twin + "/memories", null, 200)
          .getJsonObject("data").getJsonArray("memories");
      assertFalse(memories.isEmpty(), "the conversation left memories");
      who.ids.put(ResourceKind.MEMORY, memories.getJsonObject(0).getString("id"));
      JsonArray runs = client.call("GET", "/api/agents/" + twin + "/runs", null, 200)
          .getJsonObject("data").getJsonArray("runs");
      assertFalse(runs.isEmpty(), "the conversation left runs");
      who.ids.put(ResourceKind.RUN, runs.getJsonObject(0).getString("runId"));
    } catch (Exception e) {
      throw new IllegalStateException(who.name + "'s flow failed", e);
    }
  }

  @Test
  @Order(1)
  @Tag("T-ISO-006")
  @Tag("T-ISO-005")
  void two_workspaces_run_their_flows_concurrently_and_equal_names_stay_separate() throws Exception {
    a = flow(gateway(), "a", "alice");
    b = flow(gateway(), "b", "bob");
    String twinName = "Twin-" + UUID.randomUUID();
    CompletableFuture<Void> runA = CompletableFuture.runAsync(() -> run(a, twinName));
    CompletableFuture<Void> runB = CompletableFuture.runAsync(() -> run(b, twinName));
    CompletableFuture.allOf(runA, runB).get(10, TimeUnit.MINUTES);

    assertNotEquals(a.ids.get(ResourceKind.AGENT), b.ids.get(ResourceKind.AGENT), "same name, two agents");
    JsonObject agentA = a.client.call("GET", "/api/agents/" + a.ids.get(ResourceKind.AGENT), null, 200)
        .getJsonObject("data");
    JsonObject agentB = b.client.call("GET", "/api/agents/" + b.ids.get(ResourceKind.AGENT), null, 200)
        .getJsonObject("data");
    assertEquals(twinName, agentA.getString("name"));
    assertEquals(twinName, agentB.getString("name"));
    a.client.call("PATCH", "/api/agents/" + a.ids.get(ResourceKind.AGENT), new JsonObject().put("bio", "only A's"), 200);
    assertNotEquals("only A's", b.client.call("GET", "/api/agents/" + b.ids.get(ResourceKind.AGENT), null, 200)
        .getJsonObject("data").getValue("bio").toString(), "changing A's twin leaves B's alone");
  }

  @Test
  @Order(2)
  @Tag("T-ISO-003")
  void every_list_shows_each_workspace_only_its_own_items() throws Exception {
    for (Flow who : List.of(a, b)) {
      Flow other = who == a ? b : a;
      ChatClient client = who.client;
      List<String> agents = ids(client.call("GET", "/api/agents", null, 200).getJsonObject("data")
          .getJsonArray("agents"), "id");
      assertTrue(agents.containsAll(List.of(who.ids.get(ResourceKind.AGENT), who.soloAgent)), who.name + ": " + agents);
      assertFalse(agents.contains(other.ids.get(ResourceKind.AGENT)));
      assertFalse(agents.contains(other.soloAgent));

      assertEquals(ChatClient.SERVER, client.call("GET", "/api/messaging/message-server/current", null, 200)
          .getJsonObject("data").getString("messageServerId"), "the workspace works in the runtime's default server");
      List<String> channels = ids(client.call("GET", "/api/messaging/message-servers/" + ChatClient.SERVER
          + "/channels", null, 200).getJsonObject("data").getJsonArray("channels"), "id");
      assertTrue(channels.contains(who.ids.get(ResourceKind.CHANNEL)), channels.toString());
      assertFalse(channels.contains(other.ids.get(ResourceKind.CHANNEL)), channels.toString());

      JsonObject sessions = client.call("GET", "/api/messaging/sessions", null, 200);
      List<String> sessionIds = ids(sessions.getJsonArray("sessions"), "sessionId");
      assertTrue(sessionIds.contains(who.ids.get(ResourceKind.SESSION)));
      assertFalse(sessionIds.contains(other.ids.get(ResourceKind.SESSION)));
      assertFalse(sessions.containsKey("stats"), "no totals over all workspaces");

      List<String> rooms = ids(client.call("GET", "/api/agents/" + who.ids.get(ResourceKind.AGENT) + "/rooms", null, 200)
          .getJsonObject("data").getJsonArray("rooms"), "id");
      assertTrue(rooms.contains(who.ids.get(ResourceKind.ROOM)), rooms.toString());
      assertFalse(rooms.contains(other.ids.get(ResourceKind.ROOM)));

      List<Object> participants = client.call("GET", "/api/messaging/channels/" + who.ids.get(ResourceKind.CHANNEL)
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
      // The default message server is every workspace's; a server only the owner holds stands in for it.
      ids.remove(ResourceKind.MESSAGE_SERVER);
      for (ResourceKind kind : ResourceKind.values()) {
        if (!ids.containsKey(kind)) {
          // Kinds this flow does not create (jobs, logs, media, other message servers): an owned id
          // is enough to prove the other workspace is refused.
          String id = UUID.randomUUID().toString();
          assertTrue(Await.result(gateway().ownership().claim(owner.client.workspace(), kind, id)));
          ids.put(kind, id);
        }
      }
      List<IsolationMatrix.Row> rows = new IsolationMatrix(TestGateways.mainUrl(gateway()), intruder.client.token(),
          ids, forbidden()).run();
      assertEquals(IsolationMatrix.shippedPolicy().routes().size(), rows.size());
      assertEquals(List.of(), rows.stream().filter(r -> !r.problems().isEmpty()).toList(),
          intruder.name + " against " + owner.name + "'s ids");
    }
  }

  @Test
  @Order(4)
  @Tag("T-SEC-011")
  @Tag("T-SEC-012")
  void no_answer_to_any_client_carried_the_runtime_key_the_salt_or_a_secret_value() throws Exception {
    for (Flow who : List.of(a, b)) {
      List<String> answers = who.client.answers();
      assertTrue(answers.size() > 20, "the flows produced answers: " + answers.size());
      for (String answer : answers) {
        for (String value : forbidden()) {
          assertFalse(answer.contains(value), "an answer carried a forbidden value");
        }
        assertFalse(answer.contains(StandInModel.API_KEY), "an answer carried the model key");
        assertFalse(answer.contains("\"secrets\""), "an answer carried a secrets section");
      }
    }
  }

  @Test
  @Order(5)
  @Tag("T-ISO-010")
  void no_answer_carries_a_cors_grant_and_filtered_ones_no_validator_nor_conditional_requests()
      throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String list = TestGateways.mainUrl(gateway()) + "/api/agents";

    HttpResponse<String> listed = http.send(HttpRequest.newBuilder(URI.create(list))
        .header("Authorization", "Bearer " + b.client.token()).header("Origin", "https://elsewhere.example").build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> conditional = http.send(HttpRequest.newBuilder(URI.create(list))
        .header("Authorization", "Bearer " + b.client.token()).header("If-None-Match", "*").build(),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(200, listed.statusCode());
    assertEquals(Optional.empty(), listed.headers().firstValue("ETag"), "a validator of the unfiltered list");
    assertEquals(Optional.empty(), listed.headers().firstValue("Last-Modified"));
    assertEquals(List.of(), listed.headers().map().keySet().stream()
        .filter(name -> name.toLowerCase(Locale.ROOT).startsWith("access-control-")).toList(), "the runtime's CORS grant");
    assertEquals(200, conditional.statusCode(), "a 304 would tell whether data B never sees changed");
    assertTrue(conditional.body().contains(b.ids.get(ResourceKind.AGENT)));

    // An answer no plan touches (an anonymous one on a public route: the shared runtime answers it,
    // a gateway with runtimes per workspace has none for it) loses the runtime's grant too.
    HttpResponse<String> ping = http.send(HttpRequest.newBuilder(URI.create(TestGateways.mainUrl(gateway())
        + "/api/server/ping")).header("Origin", "https://elsewhere.example").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(anonymousRuntime() ? 200 : 404, ping.statusCode(), ping.body());
    assertEquals(List.of(), ping.headers().map().keySet().stream()
        .filter(name -> name.toLowerCase(Locale.ROOT).startsWith("access-control-")).toList(), "the runtime's CORS grant");
  }

  @Test
  @Order(6)
  @Tag("T-ISO-011")
  void a_websocket_upgrade_on_a_filtered_route_is_refused_before_the_runtime() throws Exception {
    String raw;
    try (Socket socket = new Socket("127.0.0.1", gateway().port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /api/agents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + b.client.token() + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
          + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      try {
        for (int n; (n = socket.getInputStream().read(chunk)) > 0 && !answer.toString(StandardCharsets.UTF_8).contains("}");) {
          answer.write(chunk, 0, n);
        }
      } catch (SocketTimeoutException e) {
        // Whatever arrived is the answer.
      }
      raw = answer.toString(StandardCharsets.UTF_8);
    }

    assertTrue(raw.startsWith("HTTP/1.1 400"), raw.lines().findFirst().orElse("no answer"));
    assertTrue(raw.endsWith("{\"error\":\"bad_request\"}"), "the generic refusal, no list");
    for (String own : a.own()) {
      assertFalse(raw.contains(own), "nothing of A's");
    }
  }

  @Test
  @Order(7)
  @Tag("T-ISO-012")
  void another_spelling_of_a_foreign_agent_id_is_the_same_agent_and_stays_refused() throws Exception {
    String victim = a.ids.get(ResourceKind.AGENT);
    String upper = victim.toUpperCase(Locale.ROOT);

    HttpResponse<String> deployed = b.client.send("POST", "/api/agents",
        new JsonObject().put("characterJson", sealed(ElizaRuntimes.character("Impostor").put("id", upper))));
    HttpResponse<String> read = b.client.send("GET", "/api/agents/" + upper, null);
    HttpResponse<String> patched = b.client.send("PATCH", "/api/agents/" + upper, new JsonObject().put("bio", "B's now"));
    HttpResponse<String> unhyphenated = b.client.send("GET", "/api/agents/" + victim.replace("-", ""), null);

    assertEquals(403, deployed.statusCode(), "the id is A's in any spelling: " + deployed.body());
    for (HttpResponse<String> refused : List.of(read, patched, unhyphenated)) {
      assertTrue(refused.statusCode() >= 400, refused.statusCode() + " " + refused.body());
      assertFalse(refused.body().contains("Twin-"), "nothing of A's agent");
    }
    JsonObject agent = a.client.call("GET", "/api/agents/" + victim, null, 200).getJsonObject("data");
    assertNotEquals("B's now", String.valueOf(agent.getValue("bio")));
    assertTrue(agent.getString("name").startsWith("Twin-"), "A's agent is still A's");
  }

  @Test
  @Order(8)
  @Tag("T-ISO-009")
  @Tag("T-ISO-013")
  void nothing_b_reads_about_its_own_agent_holds_anything_of_a() throws Exception {
    String agent = b.ids.get(ResourceKind.AGENT);
    String room = b.ids.get(ResourceKind.ROOM);
    List<String> reads = List.of(
        "/api/agents/" + agent + "/logs",
        "/api/agents/" + agent + "/logs?count=1000",
        "/api/agents/" + agent + "/runs?limit=1000",
        "/api/agents/" + agent + "/runs/" + b.ids.get(ResourceKind.RUN),
        "/api/agents/" + agent + "/rooms",
        "/api/agents/" + agent + "/rooms/" + room,
        "/api/agents/" + agent + "/rooms/" + b.ids.get(ResourceKind.CHANNEL) + "/memories",
        "/api/memory/" + agent + "/rooms/" + b.ids.get(ResourceKind.CHANNEL) + "/memories",
        "/api/agents/" + agent + "/memories",
        "/api/agents/" + agent + "/memories?tableName=messages",
        "/api/memory/" + agent + "/memories",
        "/api/memory/" + agent + "/rooms",
        "/api/messaging/message-servers/" + ChatClient.SERVER + "/channels",
        "/api/messaging/message-servers/" + ChatClient.SERVER + "/agents",
        "/api/messaging/channels/" + b.ids.get(ResourceKind.CHANNEL) + "/messages",
        "/api/messaging/channels/" + b.ids.get(ResourceKind.CHANNEL) + "/participants",
        "/api/messaging/sessions",
        "/api/agents");
    List<String> ofA = a.own();
    for (String read : reads) {
      var answer = b.client.send("GET", read, null);
      assertEquals(200, answer.statusCode(), read + ": " + answer.body());
      for (String theirs : ofA) {
        assertFalse(answer.body().contains(theirs), () -> read + " showed B something of A's: " + theirs);
      }
    }
    String logs = b.client.call("GET", "/api/agents/" + agent + "/logs?count=1000", null, 200).encode();
    assertTrue(b.said.stream().allMatch(logs::contains), "B's own model calls are in its logs");
    String channelMemories = b.client.call("GET", "/api/agents/" + agent + "/rooms/" + b.ids.get(ResourceKind.CHANNEL)
        + "/memories?limit=100", null, 200).encode();
    assertTrue(b.said.stream().anyMatch(channelMemories::contains),
        "the room memories of B's own channel hold its conversation: " + channelMemories);
    // The runtime reads that parameter as a channel id: one of B's rooms that is no channel is not one.
    assertEquals(404, b.client.send("GET", "/api/agents/" + agent + "/rooms/" + room + "/memories", null).statusCode());
  }

  @Test
  @Order(9)
  @Tag("T-ISO-014")
  @Tag("T-ISO-008")
  void attachments_naming_anything_but_the_workspaces_own_media_are_refused_and_never_fetched() throws Exception {
    AtomicInteger fetched = new AtomicInteger();
    HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext("/", exchange -> {
      fetched.incrementAndGet();
      byte[] text = "MARK-fetched-secret".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, text.length);
      exchange.getResponseBody().write(text);
      exchange.close();
    });
    target.start();
    try {
      String channel = b.ids.get(ResourceKind.CHANNEL);
      String loopback = "http://127.0.0.1:" + target.getAddress().getPort() + "/doc.txt";
      String foreignMedia = "/media/uploads/agents/" + a.ids.get(ResourceKind.AGENT) + "/notes.txt";
      List<HttpResponse<String>> refused = new ArrayList<>();
      for (String url : List.of(loopback, foreignMedia)) {
        JsonArray attachments = new JsonArray().add(new JsonObject().put("id", UUID.randomUUID().toString())
            .put("url", url).put("title", "doc").put("contentType", "document"));
        refused.add(b.client.send("POST", "/api/messaging/channels/" + channel + "/messages", new JsonObject()
            .put("content", "read this").put("transport", "http").put("metadata", new JsonObject()
                .put("attachments", attachments))));
        refused.add(b.client.send("POST", "/api/messaging/channels/" + channel + "/messages", new JsonObject()
            .put("content", "read this").put("transport", "http").put("attachments", attachments)));
      }
      Thread.sleep(1_000);

      for (HttpResponse<String> answer : refused) {
        assertEquals(400, answer.statusCode(), answer.body());
        assertEquals("{\"error\":\"bad_request\"}", answer.body());
      }
      assertEquals(0, fetched.get(), "the runtime fetched nothing");
    } finally {
      target.stop(0);
    }
  }

  @Test
  @Order(10)
  @Tag("T-ISO-015")
  void the_runtime_records_no_room_of_a_workspaces_channel_for_another_workspaces_agent() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (Flow who : List.of(a, b)) {
      RuntimeLease lease = Await.result(gateway().runtimes().acquire(Optional.of(who.client.workspace())));
      lease.release();
      RuntimeTarget runtime = lease.target();
      JsonArray agents = direct(http, runtime, "/api/agents").getJsonObject("data").getJsonArray("agents");
      Map<String, Flow> channels = Map.of(a.ids.get(ResourceKind.CHANNEL), a, b.ids.get(ResourceKind.CHANNEL), b);
      for (Object agent : agents) {
        String agentId = ((JsonObject) agent).getString("id");
        HttpResponse<String> listed = http.send(HttpRequest.newBuilder(URI.create(runtime.url() + "/api/agents/"
            + agentId + "/rooms")).header("X-API-KEY", runtime.apiKey().orElseThrow()).build(),
            HttpResponse.BodyHandlers.ofString());
        if (listed.statusCode() == 404) {
          // Not running: only running agents are announced to, and list rooms.
          continue;
        }
        assertEquals(200, listed.statusCode(), listed.body());
        for (Object room : new JsonObject(listed.body()).getJsonObject("data").getJsonArray("rooms")) {
          Flow owner = channels.get(((JsonObject) room).getString("channelId"));
          if (owner != null) {
            assertTrue(agentId.equals(owner.ids.get(ResourceKind.AGENT)) || agentId.equals(owner.soloAgent),
                "agent " + agentId + " holds a room of " + owner.name + "'s channel");
          }
        }
      }
    }
  }

  @Test
  @Order(11)
  @Tag("T-AUTH-016")
  void an_external_issuer_granted_b_speaks_for_b_alone_in_any_spelling() throws Exception {
    ECKey key = ExternalIdp.key("idp-1");
    try (ExternalIdp idp = new ExternalIdp(key)) {
      AdminClient admin = new AdminClient(gateway());
      admin.post("/admin/v1/issuers", idp.registration(List.of(b.client.workspace()), List.of("agents:read")));
      String victim = a.ids.get(ResourceKind.AGENT);
      List<String> ofA = a.own();
      for (String claim : List.of(a.client.workspace(), a.client.workspace().toUpperCase(Locale.ROOT))) {
        ChatClient asA = external(idp.token(key, "mallory", claim, "agents:read agents:write"), claim);
        for (HttpResponse<String> refused : List.of(asA.send("GET", "/api/agents", null),
            asA.send("GET", "/api/agents/" + victim, null),
            asA.send("PATCH", "/api/agents/" + victim, new JsonObject().put("bio", "the issuer's now")))) {
          assertEquals(401, refused.statusCode(), claim + ": " + refused.body());
          ofA.forEach(theirs -> assertFalse(refused.body().contains(theirs), "something of A's: " + theirs));
        }
      }

      String claimB = b.client.workspace().toUpperCase(Locale.ROOT);
      ChatClient asB = external(idp.token(key, "bob", claimB, "agents:read agents:write"), claimB);
      String listed = asB.call("GET", "/api/agents", null, 200).encode();
      assertTrue(listed.contains(b.ids.get(ResourceKind.AGENT)), "B's own agents, named in upper case");
      ofA.forEach(theirs -> assertFalse(listed.contains(theirs), "something of A's: " + theirs));
      HttpResponse<String> write = asB.send("PATCH", "/api/agents/" + b.ids.get(ResourceKind.AGENT),
          new JsonObject().put("bio", "the issuer's now"));
      assertEquals(403, write.statusCode(), "agents:write is not the issuer's to grant: " + write.body());
      assertEquals(200, a.client.send("GET", "/api/agents/" + victim, null).statusCode(), "A is untouched");
      admin.post("/admin/v1/issuers/remove", new JsonObject().put("iss", idp.iss()));
    }
  }

  @Test
  @Order(12)
  @Tag("T-SEC-015")
  void agents_write_alone_changes_an_agent_but_never_its_secrets() throws Exception {
    String agent = b.ids.get(ResourceKind.AGENT);
    String token = new AdminClient(gateway()).mint(b.client.workspace(), "bob-agents-only",
        List.of("agents:read", "agents:write"));
    ChatClient agentsOnly = new ChatClient(TestGateways.mainUrl(gateway()), gateway().port(), b.client.workspace(),
        "bob-agents-only", token);
    String stolen = "sk-attacker-controlled-" + UUID.randomUUID();
    List<JsonObject> refused = List.of(
        new JsonObject().put("settings", new JsonObject().put("secrets", new JsonObject().put("OPENAI_API_KEY", stolen))),
        new JsonObject().put("secrets", new JsonObject().put("OPENAI_API_KEY", stolen)),
        new JsonObject().put("settings", new JsonObject().put("secrets", (Object) null)),
        new JsonObject().put("settings", (Object) null));
    for (JsonObject change : refused) {
      HttpResponse<String> answer = agentsOnly.send("PATCH", "/api/agents/" + agent, change);
      assertEquals(403, answer.statusCode(), change.encode() + ": " + answer.body());
    }
    HttpResponse<String> deployed = agentsOnly.send("POST", "/api/agents", new JsonObject().put("characterJson",
        ElizaRuntimes.character("Keyed-" + UUID.randomUUID()).put("settings", new JsonObject()
            .put("secrets", new JsonObject().put("OPENAI_API_KEY", stolen)))));
    assertEquals(403, deployed.statusCode(), "a new agent with secrets: " + deployed.body());
    agentsOnly.call("POST", "/api/agents", new JsonObject().put("agent", ElizaRuntimes.character("Templated-"
        + UUID.randomUUID()).put("settings", new JsonObject().put("secrets", new JsonObject()))), 201);

    agentsOnly.call("PATCH", "/api/agents/" + agent, new JsonObject().put("bio", "changed without secrets"), 200);
    String ping = "ping-" + UUID.randomUUID();
    assertEquals("echo: " + ping, b.client.askOverRest(b.ids.get(ResourceKind.CHANNEL), ping));
    List<StandInModel.Received> calls = ElizaRuntimes.model().receivedContaining(ping);
    assertFalse(calls.isEmpty(), "the agent called the model");
    for (StandInModel.Received call : calls) {
      assertEquals("Bearer " + SECRET, call.authorization(), "the agent calls the model with the key it had");
    }
    b.client.call("PATCH", "/api/agents/" + agent, new JsonObject().put("settings", new JsonObject()
        .put("secrets", new JsonObject().put("EXTRA_KEY", "x"))), 200);
  }

  @Test
  @Order(13)
  @Tag("T-ISO-012")
  void a_sealed_character_cannot_claim_an_agent_the_runtime_holds_outside_the_registry() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    RuntimeLease lease = Await.result(gateway().runtimes().acquire(Optional.of(b.client.workspace())));
    try {
      RuntimeTarget runtime = lease.target();
      // An agent made in the runtime around the gateway: an operator's, or one whose id elizaOS derived.
      String name = "Operator-" + UUID.randomUUID();
      HttpResponse<String> made = http.send(HttpRequest.newBuilder(URI.create(runtime.url() + "/api/agents"))
          .header("X-API-KEY", runtime.apiKey().orElseThrow()).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("characterJson",
              ElizaRuntimes.character(name)).encode())).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(201, made.statusCode(), made.body());
      String operators = new JsonObject(made.body()).getJsonObject("data").getString("id");

      HttpResponse<String> deployed = b.client.send("POST", "/api/agents", new JsonObject().put("characterJson",
          sealed(ElizaRuntimes.character("Impostor").put("id", operators))));
      assertEquals(403, deployed.statusCode(), "the runtime's agent is nobody's to claim: " + deployed.body());
      HttpResponse<String> read = b.client.send("GET", "/api/agents/" + operators, null);
      assertEquals(404, read.statusCode(), read.body());
      assertEquals(name, direct(http, runtime, "/api/agents/" + operators).getJsonObject("data").getString("name"));

      String fresh = UUID.randomUUID().toString();
      b.client.call("POST", "/api/agents", new JsonObject().put("characterJson",
          sealed(ElizaRuntimes.character("Sealed-" + UUID.randomUUID()).put("id", fresh))), 201);
      b.client.call("GET", "/api/agents/" + fresh, null, 200);
    } finally {
      lease.release();
    }
  }

  /** {@code character} sealed with the gateway's development keyring, as {@code gatehouse secrets seal} would. */
  JsonObject sealed(JsonObject character) throws Exception {
    try (KeyProvider provider = KeyProviders.open(Profile.DEVELOPMENT,
        new LocalKeyringConfig(gateway().config().secrets().keyring(), gateway().config().secrets().keyName()))) {
      return new JsonObject(new CharacterSealer(provider).seal((ObjectNode) new ObjectMapper().readTree(
          character.encode())).toString());
    }
  }

  ChatClient external(String token, String workspaceClaim) {
    return new ChatClient(TestGateways.mainUrl(gateway()), gateway().port(), workspaceClaim, "external", token);
  }

  /** A GET straight to the runtime with its key, as only the gateway can. */
  static JsonObject direct(HttpClient http, RuntimeTarget runtime, String path) throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(runtime.url() + path))
        .header("X-API-KEY", runtime.apiKey().orElseThrow()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), path);
    return new JsonObject(answer.body());
  }

  static List<String> ids(JsonArray items, String field) {
    return items.stream().map(item -> ((JsonObject) item).getString(field)).toList();
  }
}
