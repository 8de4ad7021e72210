package dev.gatehouse.gateway.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.FakeEliza;
import dev.gatehouse.gateway.testsupport.StandInModel;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploying a character through the gateway with egress on: the runtime receives the agent's
 * egress credential and the egress listener's URL in place of the provider key and URL the
 * character carried, and that credential works at the egress listener for that agent.
 */
class CharacterEgressIT {

  static final String CARRIED_KEY = "sk-carried-by-character-5f1a";
  static final String WORKSPACE_KEY = "sk-workspace-key-77c0";
  static final Path SHIPPED_POLICY = Path.of("src", "main", "resources", "policies", "elizaos-1.7.yaml");

  @TempDir
  static Path dataDir;
  static TestDatabase database;
  static FakeEliza runtime;
  static StandInModel provider;
  static Gateway gateway;
  static AdminClient admin;
  static String workspace;
  static String token;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    runtime = new FakeEliza();
    provider = new StandInModel();
    gateway = TestGateways.start(dataDir, "upstream.url=" + runtime.url(), "database.url=" + database.url(),
        "policy.file=" + SHIPPED_POLICY, "egress.enabled=true", "egress.listen=127.0.0.1:0",
        "egress.openai.baseUrl=" + provider.baseUrl());
    admin = new AdminClient(gateway);
    workspace = admin.createWorkspace("deploys");
    token = admin.mint(workspace, "owner", List.of("agents:read", "agents:write", "secrets:write"));
    assertEquals(204, admin.put("/admin/v1/workspaces/" + workspace + "/provider-keys/openai",
        new JsonObject().put("key", WORKSPACE_KEY)).statusCode());
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    provider.close();
    runtime.close();
    database.close();
  }

  static HttpResponse<String> send(String method, String target, JsonObject body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(TestGateways.mainUrl(gateway) + target))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The character body of the runtime's last request to {@code path}. */
  static JsonObject lastBody(String method, String path) {
    List<FakeEliza.Received> seen = runtime.received().stream()
        .filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    return new JsonObject(seen.get(seen.size() - 1).body());
  }

  @Test
  @Tag("T-SEC-020")
  void a_deployed_character_carries_its_egress_credential_and_never_a_provider_key() throws Exception {
    HttpResponse<String> created = send("POST", "/api/agents", new JsonObject().put("characterJson", new JsonObject()
        .put("name", "writer").put("bio", "test")
        .put("secrets", new JsonObject().put("OPENAI_API_KEY", CARRIED_KEY))
        .put("settings", new JsonObject().put("OPENAI_BASE_URL", "https://api.openai.com/v1")
            .put("secrets", new JsonObject().put("OPENAI_API_KEY", CARRIED_KEY)))));
    assertEquals(201, created.statusCode(), created.body());
    String agent = new JsonObject(created.body()).getJsonObject("data").getString("id");
    JsonObject character = lastBody("POST", "/api/agents").getJsonObject("characterJson");
    assertFalse(runtime.received().toString().contains(CARRIED_KEY), "the runtime never sees the carried key");

    JsonObject secrets = character.getJsonObject("settings").getJsonObject("secrets");
    String credential = secrets.getString("OPENAI_API_KEY");
    assertTrue(credential.startsWith(EgressCredential.PREFIX));
    assertEquals(credential, character.getJsonObject("secrets").getString("OPENAI_API_KEY"));
    assertEquals(credential, secrets.getString("ANTHROPIC_API_KEY"));
    String egressUrl = "http://127.0.0.1:" + gateway.egress().port().orElseThrow() + "/v1";
    assertEquals(egressUrl, secrets.getString("OPENAI_BASE_URL"));
    assertEquals(egressUrl, character.getJsonObject("settings").getString("OPENAI_BASE_URL"));

    // The credential speaks for this agent at the egress listener, which adds the workspace's key.
    HttpResponse<String> call = new EgressClient(gateway.egress().port().orElseThrow()).openAi("/v1/embeddings",
        credential, new JsonObject().put("model", "text-embedding-3-small").put("input", "x"));
    assertEquals(200, call.statusCode());
    assertEquals("Bearer " + WORKSPACE_KEY, provider.received().get(provider.received().size() - 1).authorization());
    String credentials = admin.get("/admin/v1/workspaces/" + workspace + "/egress-credentials").body();
    assertTrue(credentials.contains(agent));

    // A change that sets a provider key gets a new credential in its place; the old one is revoked.
    HttpResponse<String> changed = send("PATCH", "/api/agents/" + agent, new JsonObject().put("settings",
        new JsonObject().put("secrets", new JsonObject().put("OPENAI_API_KEY", CARRIED_KEY))));
    assertEquals(200, changed.statusCode(), changed.body());
    String renewed = lastBody("PATCH", "/api/agents/" + agent).getJsonObject("settings").getJsonObject("secrets")
        .getString("OPENAI_API_KEY");
    assertTrue(renewed.startsWith(EgressCredential.PREFIX) && !renewed.equals(credential));
    assertFalse(runtime.received().toString().contains(CARRIED_KEY));
    assertEquals(401, new EgressClient(gateway.egress().port().orElseThrow()).openAi("/v1/models", credential, null)
        .statusCode());
  }
}
