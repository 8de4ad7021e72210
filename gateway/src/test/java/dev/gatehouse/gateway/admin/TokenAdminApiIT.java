package dev.gatehouse.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.authn.TestHttp;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workspaces and tokens on a running gateway's admin API, checked end to end through its main listener. */
class TokenAdminApiIT {

  /** A protected route of the test policy that needs {@code agents:read}. */
  static final String TARGET = "/api/agents/a1";

  @TempDir
  static Path dataDir;
  static GatewayFixture node;
  static String adminUrl;
  static String adminToken;

  @BeforeAll
  static void start() throws Exception {
    node = GatewayFixture.start(dataDir,
        "tokens.maxTtl=2h",
        TestHttp.TRUST_LOOPBACK_PROXY);
    adminUrl = node.admin.url();
    adminToken = node.admin.bootstrapToken();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static HttpResponse<String> post(String path, JsonObject body) throws Exception {
    return node.admin.send("/admin/v1" + path, body);
  }

  static String workspace(String name) throws Exception {
    HttpResponse<String> created = post("/workspaces", new JsonObject().put("name", name));
    assertEquals(201, created.statusCode());
    return new JsonObject(created.body()).getString("id");
  }

  static JsonObject mint(String workspace, String subject, String ttl, String... scopes) throws Exception {
    HttpResponse<String> minted = post("/tokens", new JsonObject().put("workspace", workspace).put("subject", subject)
        .put("scopes", new JsonArray(java.util.List.of((Object[]) scopes))).put("ttl", ttl)
        .put("description", "test token"));
    assertEquals(201, minted.statusCode(), minted.body());
    return new JsonObject(minted.body());
  }

  static int call(String token) throws Exception {
    return TestHttp.get(TestGateways.mainUrl(node.gateway) + TARGET, token).statusCode();
  }

  @Test
  void workspacesAreCreatedListedAndNamesAreUnique() throws Exception {
    String id = workspace("alpha");
    assertEquals(409, post("/workspaces", new JsonObject().put("name", "alpha")).statusCode());
    assertEquals(400, post("/workspaces", new JsonObject().put("name", "../bad name")).statusCode());
    JsonObject got = new JsonObject(TestHttp.get(adminUrl + "/admin/v1/workspaces/" + id, adminToken).body());
    assertEquals("alpha", got.getString("name"));
    assertEquals("active", got.getString("status"));
    assertTrue(TestHttp.get(adminUrl + "/admin/v1/workspaces", adminToken).body().contains(id));
    assertEquals(404, TestHttp.get(adminUrl + "/admin/v1/workspaces/" + java.util.UUID.randomUUID(),
        adminToken).statusCode());
  }

  @Test
  void mintReturnsTheTokenOnceAndListingNeverShowsIt() throws Exception {
    String ws = workspace("beta");
    JsonObject minted = mint(ws, "svc-1", "1h", "agents:read", "messages:write");
    String token = minted.getString("token");
    assertNotNull(token);
    assertEquals(200, call(token));

    String listed = TestHttp.get(adminUrl + "/admin/v1/tokens?workspace=" + ws, adminToken).body();
    assertTrue(listed.contains(minted.getString("jti")));
    assertFalse(listed.contains(token), "the list never contains the token");
    assertFalse(listed.contains("\"token\""));
    String one = TestHttp.get(adminUrl + "/admin/v1/tokens/" + minted.getString("jti"), adminToken).body();
    assertFalse(one.contains(token));
    assertEquals("test token", new JsonObject(one).getString("description"));
  }

  @Test
  void mintRefusesTtlAboveTheMaximumAndUnknownScopes() throws Exception {
    String ws = workspace("gamma");
    HttpResponse<String> tooLong = post("/tokens", new JsonObject().put("workspace", ws).put("subject", "s")
        .put("scopes", new JsonArray().add("agents:read")).put("ttl", "3h"));
    assertEquals(400, tooLong.statusCode());
    assertEquals("ttl_too_long", new JsonObject(tooLong.body()).getString("error"));
    HttpResponse<String> unknownScope = post("/tokens", new JsonObject().put("workspace", ws).put("subject", "s")
        .put("scopes", new JsonArray().add("root")).put("ttl", "1h"));
    assertEquals("unknown_scope", new JsonObject(unknownScope.body()).getString("error"));
    HttpResponse<String> role = post("/tokens", new JsonObject().put("workspace", ws).put("subject", "s")
        .put("role", "viewer").put("ttl", "1h"));
    assertEquals(201, role.statusCode());
    assertTrue(new JsonObject(role.body()).getJsonArray("scopes").contains("agents:read"));
    assertFalse(new JsonObject(role.body()).getJsonArray("scopes").contains("agents:write"));
  }

  @Test
  void revokeByJtiSubjectAndWorkspace() throws Exception {
    String ws = workspace("delta");
    String other = workspace("delta-other");
    JsonObject one = mint(ws, "u1", "1h", "agents:read");
    JsonObject subjA = mint(ws, "u2", "1h", "agents:read");
    JsonObject subjB = mint(other, "u2", "1h", "agents:read");
    JsonObject wsA = mint(other, "u3", "1h", "agents:read");
    JsonObject survivor = mint(ws, "u4", "1h", "agents:read");
    for (JsonObject t : new JsonObject[] {one, subjA, subjB, wsA, survivor}) {
      assertEquals(200, call(t.getString("token")));
    }

    assertEquals(200, post("/tokens/revoke", new JsonObject().put("jti", one.getString("jti"))).statusCode());
    assertEquals(401, call(one.getString("token")));
    assertEquals(404, post("/tokens/revoke", new JsonObject().put("jti", one.getString("jti"))).statusCode(),
        "already revoked");

    JsonObject bySubject = new JsonObject(post("/tokens/revoke", new JsonObject().put("subject", "u2")).body());
    assertEquals(2, bySubject.getInteger("revoked"));
    assertEquals(401, call(subjA.getString("token")));
    assertEquals(401, call(subjB.getString("token")));

    assertEquals(200, post("/tokens/revoke", new JsonObject().put("workspace", other)).statusCode());
    assertEquals(401, call(wsA.getString("token")));
    assertEquals(200, call(survivor.getString("token")), "other tokens are untouched");

    String record = TestHttp.get(adminUrl + "/admin/v1/tokens/" + one.getString("jti"), adminToken).body();
    assertEquals("revoked", new JsonObject(record).getString("status"));
    assertEquals(400, post("/tokens/revoke", new JsonObject().put("jti", "x").put("subject", "y")).statusCode());
  }

  @Test
  void anAuthenticatedRequestBodyReachesTheUpstreamIntact() throws Exception {
    String token = mint(workspace("body"), "u", "1h", "messages:write").getString("token");
    byte[] payload = new byte[256 * 1024];
    new java.util.Random(7).nextBytes(payload);
    var response = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
        .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(TestGateways.mainUrl(node.gateway) + "/echo"))
            .header("Authorization", "Bearer " + token)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(payload)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode());
    org.junit.jupiter.api.Assertions.assertArrayEquals(payload, response.body());
  }

  @Test
  void lockedWorkspaceTokensAreRefusedAndMintingIsRefused() throws Exception {
    String ws = workspace("epsilon");
    JsonObject token = mint(ws, "u", "1h", "agents:read");
    assertEquals(200, call(token.getString("token")));
    assertEquals(200, post("/workspaces/" + ws + "/lock", null).statusCode());
    assertEquals(401, call(token.getString("token")));
    HttpResponse<String> refused = post("/tokens", new JsonObject().put("workspace", ws).put("subject", "u")
        .put("scopes", new JsonArray().add("agents:read")).put("ttl", "1h"));
    assertEquals(409, refused.statusCode());
    assertEquals(200, post("/workspaces/" + ws + "/unlock", null).statusCode());
    assertEquals(200, call(token.getString("token")));
  }

  @Test
  void adminRoutesAcceptAnAdminScopedGatehouseTokenOnly() throws Exception {
    String ws = workspace("zeta");
    String adminJwt = mint(ws, "ops", "1h", "gatehouse:admin").getString("token");
    String plainJwt = mint(ws, "user", "1h", "agents:read", "workspace:admin").getString("token");
    assertEquals(200, TestHttp.get(adminUrl + "/admin/v1/workspaces", adminJwt).statusCode());
    assertEquals(401, TestHttp.get(adminUrl + "/admin/v1/workspaces", plainJwt).statusCode());
    assertEquals(401, TestHttp.get(adminUrl + "/admin/v1/workspaces", null).statusCode());
    assertEquals(401, TestHttp.get(adminUrl + "/admin/v1/workspaces", "gatehouse_admin_wrong").statusCode());
    // An admin JWT can mint through the API, and loses access once revoked.
    HttpResponse<String> minted = TestHttp.post(adminUrl + "/admin/v1/tokens", adminJwt, new JsonObject()
        .put("workspace", ws).put("subject", "x").put("scopes", new JsonArray().add("agents:read")));
    assertEquals(201, minted.statusCode());
    post("/tokens/revoke", new JsonObject().put("subject", "ops"));
    assertEquals(401, TestHttp.get(adminUrl + "/admin/v1/workspaces", adminJwt).statusCode());
  }
}
