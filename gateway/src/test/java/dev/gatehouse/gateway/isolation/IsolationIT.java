package dev.gatehouse.gateway.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.ownership.ResourceKind;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.FakeEliza;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.workspace.EntityIds;
import dev.gatehouse.secrets.format.CharacterSealer;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.KeyProviders;
import dev.gatehouse.secrets.provider.Profile;
import dev.gatehouse.secrets.provider.local.LocalKeyringConfig;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workspace isolation through a real gateway, PostgreSQL and the shipped elizaOS policy, in front
 * of {@link FakeEliza} (a runtime stand-in with elizaOS response shapes and no notion of
 * workspaces). Two workspaces, A and B, with owner-like tokens.
 */
class IsolationIT {

  static final String RUNTIME_KEY = "runtime-key-canary-41d7";
  static final String SECRET = "sk-secret-canary-9b2e";
  static final Path SHIPPED_POLICY = Path.of("src", "main", "resources", "policies", "elizaos-1.7.yaml");
  static final List<String> SCOPES = List.of("agents:read", "agents:write", "messages:read", "messages:write",
      "memories:read", "memories:write", "media:read", "media:write", "secrets:write");

  @TempDir
  static Path dataDir;

  static TestDatabase database;
  static FakeEliza runtime;
  static Gateway gateway;
  static String workspaceA;
  static String workspaceB;
  static String tokenA;
  static String tokenB;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    runtime = new FakeEliza();
    gateway = TestGateways.start(dataDir,
        "upstream.url=" + runtime.url(),
        "upstream.apiKey=" + RUNTIME_KEY,
        "database.url=" + database.url(),
        "policy.file=" + SHIPPED_POLICY,
        // The route matrix sends hundreds of requests with one token in a few seconds; budgets are RateLimitIT's subject.
        "limits.perToken.burst=100000",
        "limits.perAddress.burst=100000",
        "limits.perWorkspace.burst=100000");
    AdminClient admin = new AdminClient(gateway);
    workspaceA = admin.createWorkspace("isolation-a");
    workspaceB = admin.createWorkspace("isolation-b");
    tokenA = admin.mint(workspaceA, "alice", SCOPES);
    tokenB = admin.mint(workspaceB, "bob", SCOPES);
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    runtime.close();
    database.close();
  }

  static HttpResponse<String> send(String token, String method, String target, JsonObject body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TestGateways.mainUrl(gateway) + target))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String createAgent(String token, String name) throws Exception {
    HttpResponse<String> created = send(token, "POST", "/api/agents", new JsonObject().put("characterJson",
        new JsonObject().put("name", name).put("bio", "test")
            .put("settings", new JsonObject().put("secrets", new JsonObject().put("OPENAI_API_KEY", SECRET)))));
    assertEquals(201, created.statusCode(), created.body());
    return new JsonObject(created.body()).getJsonObject("data").getString("id");
  }

  static List<String> agentIds(String token) throws Exception {
    HttpResponse<String> list = send(token, "GET", "/api/agents", null);
    assertEquals(200, list.statusCode());
    return new JsonObject(list.body()).getJsonObject("data").getJsonArray("agents").stream()
        .map(a -> ((JsonObject) a).getString("id")).toList();
  }

  @Test
  @Tag("T-ISO-006")
  @Tag("T-ISO-003")
  void equal_names_in_two_workspaces_get_distinct_random_ids_and_each_lists_only_its_own() throws Exception {
    String a = createAgent(tokenA, "Twin");
    String b = createAgent(tokenB, "Twin");

    assertNotEquals(a, b);
    String nameDerived = UUID.nameUUIDFromBytes("Twin".getBytes()).toString();
    assertNotEquals(nameDerived, a, "the runtime's name-derived id is not used");
    assertTrue(agentIds(tokenA).contains(a));
    assertFalse(agentIds(tokenA).contains(b));
    assertTrue(agentIds(tokenB).contains(b));
    assertFalse(agentIds(tokenB).contains(a));
  }

  @Test
  @Tag("T-ISO-002")
  void another_workspaces_agent_is_not_found_and_never_reaches_the_runtime() throws Exception {
    String a = createAgent(tokenA, "Private");
    int seen = runtime.receivedContaining(a).size();

    for (String[] call : new String[][] {{"GET", ""}, {"PATCH", ""}, {"DELETE", ""}, {"POST", "/start"},
        {"GET", "/memories"}, {"GET", "/logs"}}) {
      HttpResponse<String> response = send(tokenB, call[0], "/api/agents/" + a + call[1],
          call[0].equals("PATCH") ? new JsonObject().put("bio", "mine now") : null);
      assertEquals(404, response.statusCode(), call[0] + " " + call[1]);
      assertEquals(new JsonObject().put("error", "not_found"), new JsonObject(response.body()));
    }
    assertEquals(seen, runtime.receivedContaining(a).size(), "no request naming A's agent was forwarded for B");
    assertEquals(404, send(tokenA, "GET", "/api/agents/" + UUID.randomUUID(), null).statusCode(),
        "an id nobody owns is not found either");
    assertEquals(200, send(tokenA, "GET", "/api/agents/" + a, null).statusCode());
  }

  @Test
  @Tag("T-ISO-002")
  @Tag("T-ISO-005")
  void identity_fields_are_overwritten_and_the_workspace_works_in_the_runtimes_default_server() throws Exception {
    String agent = createAgent(tokenA, "Talker");
    String entityA = EntityIds.of(workspaceA, "alice").toString();
    HttpResponse<String> channel = send(tokenA, "POST", "/api/messaging/channels", new JsonObject()
        .put("name", "general").put("participantCentralUserIds", new JsonArray().add(entityA).add(agent)));
    assertEquals(201, channel.statusCode(), channel.body());
    String channelId = new JsonObject(channel.body()).getJsonObject("data").getString("id");
    String serverA = new JsonObject(channel.body()).getJsonObject("data").getString("messageServerId");
    assertEquals(FakeEliza.DEFAULT_SERVER, serverA, "the workspace works in the runtime's default server");

    String impostor = EntityIds.of(workspaceB, "bob").toString();
    HttpResponse<String> posted = send(tokenA, "POST", "/api/messaging/channels/" + channelId + "/messages",
        new JsonObject().put("author_id", impostor).put("content", "hello-7c1f").put("message_server_id", serverA));
    assertEquals(201, posted.statusCode(), posted.body());
    FakeEliza.Received forwarded = runtime.receivedContaining("hello-7c1f").get(0);
    JsonObject sent = new JsonObject(forwarded.body());
    assertEquals(entityA, sent.getString("author_id"), "the author is the caller, whatever the client said");

    HttpResponse<String> current = send(tokenA, "GET", "/api/messaging/message-server/current", null);
    assertEquals(serverA, new JsonObject(current.body()).getJsonObject("data").getString("messageServerId"));
    HttpResponse<String> servers = send(tokenA, "GET", "/api/messaging/message-servers", null);
    JsonArray listed = new JsonObject(servers.body()).getJsonObject("data").getJsonArray("messageServers");
    assertEquals(1, listed.size(), "only the runtime's default server: " + listed);
    assertEquals(serverA, listed.getJsonObject(0).getString("id"));
    HttpResponse<String> channelsOfB = send(tokenB, "GET", "/api/messaging/message-servers/" + serverA + "/channels", null);
    assertEquals(200, channelsOfB.statusCode(), channelsOfB.body());
    assertFalse(channelsOfB.body().contains(channelId), "B lists the default server without A's channel");

    // B cannot post into A's channel, name A's agent as a participant, or open a session with it.
    assertEquals(404, send(tokenB, "POST", "/api/messaging/channels/" + channelId + "/messages",
        new JsonObject().put("content", "intrusion")).statusCode());
    assertEquals(404, send(tokenB, "GET", "/api/messaging/channels/" + channelId + "/messages", null).statusCode());
    assertEquals(404, send(tokenB, "POST", "/api/messaging/channels", new JsonObject().put("name", "x")
        .put("participantCentralUserIds", new JsonArray().add(agent))).statusCode());
    assertEquals(404, send(tokenB, "POST", "/api/messaging/sessions",
        new JsonObject().put("agentId", agent)).statusCode());
    String otherServerOfA = UUID.randomUUID().toString();
    assertTrue(Await.result(gateway.ownership().claim(workspaceA, ResourceKind.MESSAGE_SERVER, otherServerOfA)));
    assertEquals(404, send(tokenB, "POST", "/api/messaging/channels", new JsonObject().put("name", "y")
        .put("message_server_id", otherServerOfA).put("participantCentralUserIds", new JsonArray())).statusCode());
    assertTrue(runtime.receivedContaining("intrusion").isEmpty());
  }

  @Test
  @Tag("T-ISO-005")
  @Tag("T-ISO-002")
  void query_identity_is_the_caller_and_array_forms_of_bound_query_parameters_are_refused() throws Exception {
    String agent = createAgent(tokenA, "Dm");
    String someoneElse = EntityIds.of(workspaceB, "bob").toString();

    HttpResponse<String> dm = send(tokenA, "GET", "/api/messaging/dm-channel?currentUserId=" + someoneElse
        + "&targetUserId=" + agent, null);

    assertEquals(200, dm.statusCode(), dm.body());
    FakeEliza.Received seen = runtime.received().stream().filter(r -> r.path().endsWith("/dm-channel")).reduce((x, y) -> y)
        .orElseThrow();
    assertTrue(seen.query().contains("currentUserId=" + EntityIds.of(workspaceA, "alice").toString()), seen.query());
    assertFalse(seen.query().contains(someoneElse));
    String channel = new JsonObject(dm.body()).getJsonObject("data").getString("id");
    assertTrue(Await.result(gateway.ownership().owns(workspaceA, ResourceKind.CHANNEL, channel)), "the DM is recorded");

    int before = runtime.received().size();
    HttpResponse<String> encoded = send(tokenA, "GET", "/api/messaging/dm-channel?targetUserId%5B%5D=" + agent, null);
    assertEquals(400, encoded.statusCode());
    assertEquals("query_form_refused", awaitAudit(encoded, "reason_key"));
    HttpResponse<String> nested = send(tokenA, "GET", "/api/agents/" + agent + "/memories?roomId%5Bx%5D=y", null);
    assertEquals(400, nested.statusCode());
    assertEquals("query_form_refused", awaitAudit(nested, "reason_key"));
    assertEquals(404, send(tokenB, "GET", "/api/messaging/dm-channel?targetUserId=" + agent, null).statusCode());
    assertEquals(before, runtime.received().size());
  }

  @Test
  @Tag("T-ISO-003")
  @Tag("T-ISO-005")
  void session_lists_show_each_workspace_only_its_own_and_no_totals() throws Exception {
    String agentA = createAgent(tokenA, "SessionA");
    String agentB = createAgent(tokenB, "SessionB");
    HttpResponse<String> sa = send(tokenA, "POST", "/api/messaging/sessions",
        new JsonObject().put("agentId", agentA).put("userId", UUID.randomUUID().toString()));
    HttpResponse<String> sb = send(tokenB, "POST", "/api/messaging/sessions", new JsonObject().put("agentId", agentB));
    assertEquals(201, sa.statusCode(), sa.body());
    assertEquals(201, sb.statusCode(), sb.body());
    String sessionA = new JsonObject(sa.body()).getString("sessionId");
    String sessionB = new JsonObject(sb.body()).getString("sessionId");
    assertEquals(EntityIds.of(workspaceA, "alice").toString(), new JsonObject(sa.body()).getString("userId"));

    JsonObject listA = new JsonObject(send(tokenA, "GET", "/api/messaging/sessions", null).body());
    List<String> idsA = listA.getJsonArray("sessions").stream().map(s -> ((JsonObject) s).getString("sessionId")).toList();
    assertTrue(idsA.contains(sessionA));
    assertFalse(idsA.contains(sessionB));
    assertFalse(listA.containsKey("total"));
    assertFalse(listA.containsKey("stats"));
    assertEquals(404, send(tokenA, "GET", "/api/messaging/sessions/" + sessionB, null).statusCode());
    assertEquals(200, send(tokenB, "GET", "/api/messaging/sessions/" + sessionB, null).statusCode());
  }

  @Test
  @Tag("T-SEC-011")
  @Tag("T-SEC-012")
  void character_secrets_and_the_runtime_key_never_reach_a_client() throws Exception {
    String agent = createAgent(tokenA, "Keeper");
    HttpResponse<String> created = send(tokenA, "POST", "/api/agents", new JsonObject().put("agent",
        new JsonObject().put("name", "Keeper2").put("secrets", new JsonObject().put("TOKEN", SECRET))));
    HttpResponse<String> fetched = send(tokenA, "GET", "/api/agents/" + agent, null);

    for (HttpResponse<String> response : List.of(created, fetched)) {
      assertFalse(response.body().contains(SECRET), response.body());
      assertFalse(response.body().contains("secrets"), response.body());
      assertFalse(response.body().contains(RUNTIME_KEY));
    }
    assertEquals("Keeper", new JsonObject(fetched.body()).getJsonObject("data").getString("name"));
  }

  @Test
  @Tag("T-SEC-011")
  void a_sealed_character_is_opened_just_in_time_and_its_id_is_the_workspaces() throws Exception {
    String id = UUID.randomUUID().toString();
    ObjectNode sealed;
    try (KeyProvider provider = KeyProviders.open(Profile.DEVELOPMENT,
        new LocalKeyringConfig(gateway.config().secrets().keyring(), gateway.config().secrets().keyName()))) {
      ObjectNode plain = (ObjectNode) new ObjectMapper().readTree(new JsonObject().put("id", id).put("name", "Sealed")
          .put("bio", "b").put("settings", new JsonObject().put("secrets", new JsonObject().put("API_KEY", SECRET)))
          .encode());
      sealed = new CharacterSealer(provider).seal(plain);
    }
    assertFalse(sealed.toString().contains(SECRET));
    JsonObject body = new JsonObject().put("characterJson", new JsonObject(sealed.toString()));

    HttpResponse<String> deployed = send(tokenA, "POST", "/api/agents", body);

    assertEquals(201, deployed.statusCode(), deployed.body());
    assertEquals(id, new JsonObject(deployed.body()).getJsonObject("data").getString("id"));
    assertFalse(deployed.body().contains(SECRET));
    JsonObject forwarded = new JsonObject(runtime.receivedContaining(id).stream()
        .filter(r -> r.method().equals("POST")).findFirst().orElseThrow().body());
    assertEquals(SECRET, forwarded.getJsonObject("characterJson").getJsonObject("settings")
        .getJsonObject("secrets").getString("API_KEY"), "the runtime receives the opened value");
    assertFalse(forwarded.getJsonObject("characterJson").containsKey("gatehouse_seal"));

    HttpResponse<String> stolen = send(tokenB, "POST", "/api/agents", body);
    assertEquals(403, stolen.statusCode(), "B cannot deploy under an id A owns");
    JsonObject tampered = body.copy();
    tampered.getJsonObject("characterJson").put("id", UUID.randomUUID().toString());
    assertEquals(400, send(tokenB, "POST", "/api/agents", tampered).statusCode(), "a seal bound to another id fails");
  }

  @Test
  @Tag("T-ISO-008")
  @Tag("T-ISO-001")
  void character_path_and_dangerous_runtime_endpoints_are_refused_before_the_runtime() throws Exception {
    int before = runtime.received().size();
    assertEquals(403, send(tokenA, "POST", "/api/agents",
        new JsonObject().put("characterPath", "http://169.254.169.254/latest")).statusCode());
    for (String[] call : new String[][] {{"GET", "/api/system/env/local"}, {"POST", "/api/system/env/local"},
        {"POST", "/api/server/stop"}, {"GET", "/api/server/logs"}, {"DELETE", "/api/server/logs"},
        {"GET", "/api/server/debug/servers"}, {"POST", "/api/messaging/message-servers"},
        {"GET", "/api/agents/" + UUID.randomUUID() + "/plugins/anything"}}) {
      assertEquals(403, send(tokenA, call[0], call[1], call[0].equals("POST") ? new JsonObject() : null).statusCode(),
          call[0] + " " + call[1]);
    }
    assertEquals(404, send(tokenA, "GET", "/api/not-a-route", null).statusCode());
    assertEquals(before, runtime.received().size(), "the runtime received none of them");
  }

  @Test
  @Tag("T-DOS-006")
  void an_inspected_body_over_the_cap_is_413_and_not_forwarded() throws Exception {
    int before = runtime.received().size();
    String big = "x".repeat((int) IsolationStage.MAX_INSPECTED_BODY + 1);
    HttpResponse<String> response = send(tokenA, "POST", "/api/agents",
        new JsonObject().put("characterJson", new JsonObject().put("name", "Big").put("bio", big)));
    assertEquals(413, response.statusCode());
    assertEquals(new JsonObject().put("error", "payload_too_large"), new JsonObject(response.body()));
    assertEquals(before, runtime.received().size());
  }

  @Test
  @Tag("T-AUD-001")
  void denials_are_audited_with_the_bound_ids_and_distinct_reasons() throws Exception {
    String a = createAgent(tokenA, "Audited");
    HttpResponse<String> path = send(tokenB, "GET", "/api/agents/" + a, null);
    HttpResponse<String> body = send(tokenB, "POST", "/api/messaging/sessions", new JsonObject().put("agentId", a));
    HttpResponse<String> refused = send(tokenB, "POST", "/api/agents", new JsonObject().put("characterPath", "/etc"));

    assertEquals("resource_not_owned", awaitAudit(path, "reason_key"));
    assertTrue(awaitAudit(path, "resource_ids").contains(a));
    assertEquals("body_resource_not_owned", awaitAudit(body, "reason_key"));
    assertTrue(awaitAudit(body, "resource_ids").contains("\"body_agentId\": \"" + a + "\""),
        awaitAudit(body, "resource_ids"));
    assertEquals("field_refused", awaitAudit(refused, "reason_key"));
  }

  @Test
  @Tag("T-ISO-002")
  @Tag("T-ISO-003")
  @Tag("T-SEC-011")
  void every_route_of_the_policy_refuses_workspace_b_the_ids_of_workspace_a() throws Exception {
    Map<ResourceKind, String> idsOfA = new EnumMap<>(ResourceKind.class);
    idsOfA.put(ResourceKind.AGENT, createAgent(tokenA, "MatrixA"));
    HttpResponse<String> channel = send(tokenA, "POST", "/api/messaging/channels", new JsonObject().put("name", "m")
        .put("participantCentralUserIds", new JsonArray().add(idsOfA.get(ResourceKind.AGENT))));
    idsOfA.put(ResourceKind.CHANNEL, new JsonObject(channel.body()).getJsonObject("data").getString("id"));
    HttpResponse<String> session = send(tokenA, "POST", "/api/messaging/sessions",
        new JsonObject().put("agentId", idsOfA.get(ResourceKind.AGENT)));
    idsOfA.put(ResourceKind.SESSION, new JsonObject(session.body()).getString("sessionId"));
    idsOfA.put(ResourceKind.ENTITY, EntityIds.of(workspaceA, "alice").toString());
    for (ResourceKind kind : ResourceKind.values()) {
      if (!idsOfA.containsKey(kind)) {
        String id = UUID.randomUUID().toString();
        assertTrue(Await.result(gateway.ownership().claim(workspaceA, kind, id)));
        idsOfA.put(kind, id);
      }
    }
    int before = runtime.received().size();

    List<IsolationMatrix.Row> rows = new IsolationMatrix(TestGateways.mainUrl(gateway), tokenB, idsOfA,
        List.of(RUNTIME_KEY, SECRET)).run();

    List<IsolationMatrix.Row> failed = rows.stream().filter(r -> !r.problems().isEmpty()).toList();
    assertEquals(List.of(), failed);
    assertEquals(IsolationMatrix.shippedPolicy().routes().size(), rows.size(), "one row per route");
    for (FakeEliza.Received seen : runtime.received().subList(before, runtime.received().size())) {
      for (String id : idsOfA.values()) {
        assertFalse(seen.path().contains(id) || seen.query().contains(id) || seen.body().contains(id),
            "B's request naming A's id reached the runtime: " + seen.method() + " " + seen.path());
      }
    }
  }

  @Test
  @Tag("T-ISO-002")
  void malformed_or_incomplete_inspected_bodies_are_refused_with_their_own_reasons() throws Exception {
    String agent = createAgent(tokenA, "Bodies");
    int before = runtime.received().size();

    HttpResponse<String> missing = send(tokenA, "POST", "/api/messaging/jobs", new JsonObject().put("content", "x"));
    HttpResponse<String> invalid = send(tokenA, "POST", "/api/messaging/jobs", new JsonObject().put("agentId", 42));
    HttpResponse<String> duplicate = sendRaw(tokenA, "/api/messaging/jobs",
        "{\"agentId\":\"" + agent + "\",\"agentId\":\"" + UUID.randomUUID() + "\"}");
    HttpResponse<String> array = sendRaw(tokenA, "/api/messaging/jobs", "[{\"agentId\":\"" + agent + "\"}]");

    assertEquals(400, missing.statusCode());
    assertEquals("field_missing", awaitAudit(missing, "reason_key"));
    assertEquals(400, invalid.statusCode());
    assertEquals("field_invalid", awaitAudit(invalid, "reason_key"));
    assertEquals(400, duplicate.statusCode(), "one field, two values: never checked one and forwarded the other");
    assertEquals("body_not_json", awaitAudit(duplicate, "reason_key"));
    assertEquals(400, array.statusCode());
    assertEquals("body_not_json", awaitAudit(array, "reason_key"));
    assertEquals(before, runtime.received().size());
  }

  static HttpResponse<String> sendRaw(String token, String target, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(TestGateways.mainUrl(gateway) + target))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String awaitAudit(HttpResponse<String> response, String column) throws Exception {
    String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    try (Connection c = DriverManager.getConnection(database.jdbcUrl());
         PreparedStatement q = c.prepareStatement("SELECT " + column + "::text FROM audit_events WHERE request_id = ?")) {
      q.setString(1, requestId);
      while (System.nanoTime() < deadline) {
        try (ResultSet rows = q.executeQuery()) {
          if (rows.next()) {
            return rows.getString(1);
          }
        }
        Thread.sleep(50);
      }
    }
    throw new AssertionError("no audit event for " + requestId);
  }
}
