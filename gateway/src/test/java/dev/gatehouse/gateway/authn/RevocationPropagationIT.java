package dev.gatehouse.gateway.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import dev.gatehouse.gateway.token.MintRequest;
import dev.gatehouse.gateway.token.MintedToken;
import dev.gatehouse.gateway.token.TokenSettings;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes, separate caches and change feeds, one PostgreSQL: changes on one are seen by the other. */
class RevocationPropagationIT {

  static final Duration PROPAGATION_LIMIT = Duration.ofSeconds(1);

  @TempDir
  static Path dataDir;
  static TestDatabase database;
  static TestUpstream upstream;
  static AuthnNode a;
  static AuthnNode b;
  static UUID workspace;

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    a = new AuthnNode(database.url(), dataDir, upstream.url(), TokenSettings.defaults(), Duration.ofSeconds(30));
    b = new AuthnNode(database.url(), dataDir, upstream.url(), TokenSettings.defaults(), Duration.ofSeconds(30));
    workspace = Await.result(a.workspaces.create("shared")).orElseThrow().id();
  }

  @AfterAll
  static void stop() throws Exception {
    a.close();
    b.close();
    upstream.close();
    database.close();
  }

  static MintedToken mint(String subject) throws Exception {
    return Await.result(a.minter.mint(new MintRequest(workspace, subject, Set.of("agents:read"),
        Duration.ofMinutes(10), Optional.empty())));
  }

  @Test
  void revocationOnOneNodeIsEnforcedByTheOtherWithinOneSecond() throws Exception {
    MintedToken token = mint("dave");
    // Both nodes have verified (and cached) the token.
    assertEquals(200, TestHttp.get(a.mainUrl() + "/echo", token.token()).statusCode());
    assertEquals(200, TestHttp.get(b.mainUrl() + "/echo", token.token()).statusCode());

    var revoke = TestHttp.post(a.adminUrl() + "/admin/v1/tokens/revoke", a.adminToken,
        new JsonObject().put("jti", token.record().jti()));
    assertEquals(200, revoke.statusCode());
    assertEquals(401, TestHttp.get(a.mainUrl() + "/echo", token.token()).statusCode(), "revoking node, next request");
    Duration took = TestHttp.awaitStatus(b.mainUrl() + "/echo", token.token(), 401, PROPAGATION_LIMIT);
    assertTrue(took.compareTo(PROPAGATION_LIMIT) <= 0, "second node took " + took);
  }

  @Test
  void subjectRevocationOnOneNodeIsEnforcedByTheOther() throws Exception {
    MintedToken first = mint("erin");
    MintedToken second = mint("erin");
    MintedToken other = mint("frank");
    for (MintedToken t : new MintedToken[] {first, second, other}) {
      assertEquals(200, TestHttp.get(b.mainUrl() + "/echo", t.token()).statusCode());
    }
    assertEquals(200, TestHttp.post(a.adminUrl() + "/admin/v1/tokens/revoke", a.adminToken,
        new JsonObject().put("subject", "erin")).statusCode());
    TestHttp.awaitStatus(b.mainUrl() + "/echo", first.token(), 401, PROPAGATION_LIMIT);
    TestHttp.awaitStatus(b.mainUrl() + "/echo", second.token(), 401, PROPAGATION_LIMIT);
    assertEquals(200, TestHttp.get(b.mainUrl() + "/echo", other.token()).statusCode());
  }

  @Test
  void workspaceLockOnOneNodeIsEnforcedByTheOtherAndUnlockRestores() throws Exception {
    UUID locked = Await.result(a.workspaces.create("to-lock")).orElseThrow().id();
    MintedToken token = Await.result(a.minter.mint(new MintRequest(locked, "gina", Set.of("agents:read"),
        Duration.ofMinutes(10), Optional.empty())));
    assertEquals(200, TestHttp.get(b.mainUrl() + "/echo", token.token()).statusCode());
    assertEquals(200, TestHttp.post(a.adminUrl() + "/admin/v1/workspaces/" + locked + "/lock", a.adminToken, null)
        .statusCode());
    assertEquals(401, TestHttp.get(a.mainUrl() + "/echo", token.token()).statusCode());
    TestHttp.awaitStatus(b.mainUrl() + "/echo", token.token(), 401, PROPAGATION_LIMIT);
    assertEquals(200, TestHttp.post(a.adminUrl() + "/admin/v1/workspaces/" + locked + "/unlock", a.adminToken, null)
        .statusCode());
    TestHttp.awaitStatus(b.mainUrl() + "/echo", token.token(), 200, PROPAGATION_LIMIT);
  }

  @Test
  void keyRotationOnOneNodeLetsTheOtherVerifyNewTokens() throws Exception {
    var rotated = TestHttp.post(a.adminUrl() + "/admin/v1/keys/rotate", a.adminToken, new JsonObject());
    assertEquals(201, rotated.statusCode());
    String kid = new JsonObject(rotated.body()).getString("kid");
    MintedToken token = mint("hank");
    TestHttp.awaitStatus(b.mainUrl() + "/echo", token.token(), 200, PROPAGATION_LIMIT);
    assertTrue(b.keys.verificationKey(kid).isPresent());
  }
}
