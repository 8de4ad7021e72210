package dev.gatehouse.gateway.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real gateways, each with its own data directory, cache and change feed, on one PostgreSQL
 * and one keyring: a change made through node A's admin API is enforced by node B within one
 * second.
 */
class RevocationPropagationIT {

  static final Duration PROPAGATION_LIMIT = Duration.ofSeconds(1);
  static final String TARGET = "/api/agents/a1";

  @TempDir
  static Path temp;
  static TestDatabase database;
  static TestUpstream upstream;
  static Gateway a;
  static Gateway b;
  static AdminClient admin;
  static String workspace;

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    Path keyring = temp.resolve("shared-keyring.json");
    a = node(Files.createDirectory(temp.resolve("a")), keyring);
    b = node(Files.createDirectory(temp.resolve("b")), keyring);
    admin = new AdminClient(a);
    workspace = admin.createWorkspace("shared");
  }

  static Gateway node(Path dataDir, Path keyring) throws Exception {
    return TestGateways.start(dataDir,
        "upstream.url=" + upstream.url(),
        "database.url=" + database.url(),
        "secrets.keyring=" + keyring,
        TestHttp.TRUST_LOOPBACK_PROXY);
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(a);
    TestGateways.stopQuietly(b);
    upstream.close();
    database.close();
  }

  static JsonObject mint(String ws, String subject) throws Exception {
    return admin.mint(ws, subject, List.of("agents:read"), "10m");
  }

  static int call(Gateway node, JsonObject token) throws Exception {
    return TestHttp.get(TestGateways.mainUrl(node) + TARGET, token.getString("token")).statusCode();
  }

  static Duration awaitStatus(Gateway node, JsonObject token, int status) throws Exception {
    return TestHttp.awaitStatus(TestGateways.mainUrl(node) + TARGET, token.getString("token"), status,
        PROPAGATION_LIMIT);
  }

  @Test
  void revocationOnOneNodeIsEnforcedByTheOtherWithinOneSecond() throws Exception {
    JsonObject token = mint(workspace, "dave");
    // Both nodes have verified (and cached) the token.
    assertEquals(200, call(a, token));
    assertEquals(200, call(b, token));

    admin.post("/admin/v1/tokens/revoke", new JsonObject().put("jti", token.getString("jti")));
    assertEquals(401, call(a, token), "revoking node, next request");
    Duration took = awaitStatus(b, token, 401);
    assertTrue(took.compareTo(PROPAGATION_LIMIT) <= 0, "second node took " + took);
  }

  @Test
  void subjectRevocationOnOneNodeIsEnforcedByTheOther() throws Exception {
    JsonObject first = mint(workspace, "erin");
    JsonObject second = mint(workspace, "erin");
    JsonObject other = mint(workspace, "frank");
    for (JsonObject t : List.of(first, second, other)) {
      assertEquals(200, call(b, t));
    }
    admin.post("/admin/v1/tokens/revoke", new JsonObject().put("subject", "erin"));
    awaitStatus(b, first, 401);
    awaitStatus(b, second, 401);
    assertEquals(200, call(b, other));
  }

  @Test
  void workspaceLockOnOneNodeIsEnforcedByTheOtherWithinOneSecondAndUnlockRestores() throws Exception {
    String locked = admin.createWorkspace("to-lock");
    JsonObject token = mint(locked, "gina");
    assertEquals(200, call(b, token));
    admin.post("/admin/v1/workspaces/" + locked + "/lock", null);
    assertEquals(401, call(a, token));
    Duration took = awaitStatus(b, token, 401);
    assertTrue(took.compareTo(PROPAGATION_LIMIT) <= 0, "second node took " + took);
    admin.post("/admin/v1/workspaces/" + locked + "/unlock", null);
    awaitStatus(b, token, 200);
  }

  @Test
  void keyRotationOnOneNodeLetsTheOtherVerifyNewTokensAndPublishTheKey() throws Exception {
    String kid = admin.post("/admin/v1/keys/rotate", new JsonObject()).getString("kid");
    JsonObject token = mint(workspace, "hank");
    awaitStatus(b, token, 200);
    String jwks = TestHttp.get(TestGateways.mainUrl(b) + "/.well-known/jwks.json", null).body();
    assertTrue(jwks.contains("\"" + kid + "\""), "node B publishes the key rotated on node A");
  }
}
