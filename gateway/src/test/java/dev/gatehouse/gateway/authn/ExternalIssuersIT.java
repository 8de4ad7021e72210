package dev.gatehouse.gateway.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.ExternalIdp;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external issuer speaks only for what it was granted, and its tokens can be withdrawn like
 * Gatehouse's own: by issuer and jti, by subject, by removing its key or changing its grant, with
 * the verified-token cache honouring each at once. (That an issuer granted one workspace cannot
 * reach another's agents, in any spelling of its id, is shown against the real runtime in the
 * isolation suites.)
 */
class ExternalIssuersIT {

  static final Duration KEY_CACHE = Duration.ofSeconds(1);

  @TempDir
  static Path dataDir;
  static GatewayFixture node;
  static AdminClient admin;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    node = GatewayFixture.start(dataDir, "tokens.jwksCacheDuration=" + KEY_CACHE.toMillis() + "ms",
        TestHttp.TRUST_LOOPBACK_PROXY);
    admin = node.admin;
    url = TestGateways.mainUrl(node.gateway);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static int read(String token) throws Exception {
    return TestHttp.get(url + "/api/agents/a1", token).statusCode();
  }

  static int write(String token) throws Exception {
    return TestHttp.post(url + "/echo", token, new JsonObject()).statusCode();
  }

  @Test
  @Tag("T-AUTH-016")
  void an_issuer_is_registered_only_with_workspaces_and_scopes_it_may_grant() throws Exception {
    try (ExternalIdp idp = new ExternalIdp(ExternalIdp.key("k1"))) {
      String workspace = admin.createWorkspace("grant-" + UUID.randomUUID().toString().substring(0, 8));
      JsonObject good = idp.registration(List.of(workspace.toUpperCase(Locale.ROOT)), List.of("agents:read"));
      for (String field : List.of("allowedWorkspaces", "allowedScopes")) {
        JsonObject missing = good.copy();
        missing.remove(field);
        assertEquals(400, admin.send("/admin/v1/issuers", missing).statusCode(), "without " + field);
        assertEquals(400, admin.send("/admin/v1/issuers", good.copy().put(field, new JsonArray())).statusCode(),
            "empty " + field);
      }
      for (String scope : List.of("gatehouse:admin", "no:such-scope")) {
        assertEquals(400, admin.send("/admin/v1/issuers",
            good.copy().put("allowedScopes", new JsonArray().add(scope))).statusCode(), scope);
      }
      assertEquals(400, admin.send("/admin/v1/issuers",
          good.copy().put("allowedWorkspaces", new JsonArray().add("team-a"))).statusCode(), "not a workspace id");

      JsonObject registered = admin.post("/admin/v1/issuers", good);
      assertEquals(new JsonArray().add(workspace), registered.getJsonArray("allowedWorkspaces"), "stored canonical");
    }
  }

  @Test
  @Tag("T-AUTH-016")
  void scopes_the_issuer_may_not_grant_are_dropped_and_a_changed_grant_applies_to_cached_tokens() throws Exception {
    ECKey key = ExternalIdp.key("k1");
    try (ExternalIdp idp = new ExternalIdp(key)) {
      String workspace = admin.createWorkspace("scopes-" + UUID.randomUUID().toString().substring(0, 8));
      String other = admin.createWorkspace("other-" + UUID.randomUUID().toString().substring(0, 8));
      admin.post("/admin/v1/issuers", idp.registration(List.of(workspace), List.of("agents:read")));
      String token = idp.token(key, "erin", workspace, "agents:read messages:write");
      String elsewhere = idp.token(key, "erin", other, "agents:read messages:write");

      assertEquals(200, read(token));
      assertEquals(403, write(token), "messages:write is not the issuer's to grant");
      assertEquals(401, read(elsewhere), "a workspace the issuer was not granted");

      admin.post("/admin/v1/issuers", idp.registration(List.of(workspace, other), List.of("agents:read",
          "messages:write")));
      assertEquals(200, write(token), "the wider grant applies to the token already verified");
      assertEquals(200, read(elsewhere));

      admin.post("/admin/v1/issuers", idp.registration(List.of(other), List.of("agents:read")));
      assertEquals(401, read(token), "the narrower grant applies to the token already verified");
      assertEquals(403, write(elsewhere));
    }
  }

  @Test
  @Tag("T-AUTH-016")
  void an_upper_case_workspace_claim_names_the_same_locked_workspace() throws Exception {
    ECKey key = ExternalIdp.key("k1");
    try (ExternalIdp idp = new ExternalIdp(key)) {
      String workspace = admin.createWorkspace("lock-" + UUID.randomUUID().toString().substring(0, 8));
      admin.post("/admin/v1/issuers", idp.registration(List.of(workspace), List.of("agents:read")));
      String upper = idp.token(key, "frank", workspace.toUpperCase(Locale.ROOT), "agents:read");
      assertEquals(200, read(upper), "control: the upper-case spelling names the granted workspace");

      admin.post("/admin/v1/workspaces/" + workspace + "/lock", new JsonObject());
      assertEquals(401, read(upper), "locked in every spelling, cached token included");
      assertEquals(401, read(idp.token(key, "frank", workspace.toUpperCase(Locale.ROOT), "agents:read")),
          "locked in every spelling, fresh token");
    }
  }

  @Test
  @Tag("T-AUTH-017")
  void revoking_by_issuer_and_jti_refuses_that_token_even_when_cached() throws Exception {
    ECKey key = ExternalIdp.key("k1");
    try (ExternalIdp idp = new ExternalIdp(key)) {
      String workspace = admin.createWorkspace("jti-" + UUID.randomUUID().toString().substring(0, 8));
      admin.post("/admin/v1/issuers", idp.registration(List.of(workspace), List.of("agents:read")));
      String jti = "ext-" + UUID.randomUUID();
      String token = idp.token(key, "grace", jti, workspace, "agents:read", Instant.now());
      String sibling = idp.token(key, "grace", workspace, "agents:read");
      assertEquals(200, read(token));

      JsonObject revoked = admin.post("/admin/v1/tokens/revoke", new JsonObject().put("issuer", idp.iss())
          .put("jti", jti).put("reason", "stolen"));
      assertEquals(jti, revoked.getString("jti"));
      assertTrue(Instant.parse(revoked.getString("until")).isAfter(Instant.now().plus(Duration.ofHours(23))),
          "kept as long as a token could live");
      assertEquals(401, read(token), "revoked while cached");
      assertEquals(200, read(sibling), "another token of the subject is untouched");

      assertEquals(404, admin.send("/admin/v1/tokens/revoke", new JsonObject().put("issuer", "https://nobody.test")
          .put("jti", jti)).statusCode(), "an issuer that is not registered");
      assertEquals(400, admin.send("/admin/v1/tokens/revoke", new JsonObject().put("issuer", idp.iss())
          .put("workspace", workspace)).statusCode(), "a workspace is cut off by locking it");
    }
  }

  @Test
  @Tag("T-AUTH-017")
  void revoking_a_subject_refuses_its_tokens_issued_until_then_and_not_those_issued_later() throws Exception {
    ECKey key = ExternalIdp.key("k1");
    try (ExternalIdp idp = new ExternalIdp(key)) {
      String workspace = admin.createWorkspace("sub-" + UUID.randomUUID().toString().substring(0, 8));
      admin.post("/admin/v1/issuers", idp.registration(List.of(workspace), List.of("agents:read")));
      String before = idp.token(key, "heidi", workspace, "agents:read");
      String neverUsed = idp.token(key, "heidi", workspace, "agents:read");
      String otherSubject = idp.token(key, "ivan", workspace, "agents:read");
      assertEquals(200, read(before));

      JsonObject revoked = admin.post("/admin/v1/tokens/revoke", new JsonObject().put("issuer", idp.iss())
          .put("subject", "heidi"));
      Instant revokedAt = Instant.parse(revoked.getString("revokedAt"));
      assertEquals(401, read(before), "cached token of the subject");
      assertEquals(401, read(neverUsed), "uncached token of the subject");
      assertEquals(200, read(otherSubject), "another subject");
      String after = idp.token(key, "heidi", UUID.randomUUID().toString(), workspace, "agents:read",
          revokedAt.plusSeconds(1));
      assertEquals(200, read(after), "a token the issuer issued after the revocation");
    }
  }

  @Test
  @Tag("T-AUTH-017")
  void a_key_the_issuer_removes_stops_verifying_its_cached_tokens_within_the_cache_duration() throws Exception {
    ECKey old = ExternalIdp.key("k-old");
    ECKey next = ExternalIdp.key("k-next");
    try (ExternalIdp idp = new ExternalIdp(old, next)) {
      String workspace = admin.createWorkspace("keys-" + UUID.randomUUID().toString().substring(0, 8));
      admin.post("/admin/v1/issuers", idp.registration(List.of(workspace), List.of("agents:read")));
      String signedByOld = idp.token(old, "judy", workspace, "agents:read");
      String signedByNext = idp.token(next, "judy", workspace, "agents:read");
      assertEquals(200, read(signedByOld));
      assertEquals(200, read(signedByNext));

      idp.publish(next);
      Thread.sleep(KEY_CACHE.toMillis() + 300);
      assertEquals(401, read(signedByOld), "cached token of a removed key");
      assertEquals(200, read(signedByNext), "the key still published");

      admin.post("/admin/v1/issuers/remove", new JsonObject().put("iss", idp.iss()));
      assertEquals(401, read(signedByNext), "cached token of a removed issuer");
    }
  }
}
