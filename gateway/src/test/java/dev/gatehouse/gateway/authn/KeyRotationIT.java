package dev.gatehouse.gateway.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import dev.gatehouse.gateway.token.TokenSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation: a new key signs, old keys verify until retired, the JWKS document follows. */
class KeyRotationIT {

  @TempDir
  static Path dataDir;
  static TestDatabase database;
  static TestUpstream upstream;
  static AuthnNode node;

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    node = new AuthnNode(database.url(), dataDir, upstream.url(), TokenSettings.defaults(), Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    upstream.close();
    database.close();
  }

  String admin(String path, JsonObject body) throws Exception {
    var response = TestHttp.post(node.adminUrl() + "/admin/v1" + path, node.adminToken, body);
    assertTrue(response.statusCode() / 100 == 2, path + " -> " + response.statusCode());
    return response.body();
  }

  String mint(String workspace) throws Exception {
    return new JsonObject(admin("/tokens", new JsonObject().put("workspace", workspace).put("subject", "ivy")
        .put("scopes", new JsonArray().add("agents:read")).put("ttl", "10m"))).getString("token");
  }

  static JsonArray jwksKids() throws Exception {
    JsonArray keys = new JsonObject(TestHttp.get(node.mainUrl() + "/.well-known/jwks.json", null).body())
        .getJsonArray("keys");
    JsonArray kids = new JsonArray();
    keys.forEach(k -> kids.add(((JsonObject) k).getString("kid")));
    return kids;
  }

  @Test
  void oldTokensVerifyUntilTheirKeyIsRetired() throws Exception {
    String workspace = new JsonObject(admin("/workspaces", new JsonObject().put("name", "rotation")))
        .getString("id");
    String oldToken = mint(workspace);
    String oldKid = SignedJWT.parse(oldToken).getHeader().getKeyID();

    JsonObject rotated = new JsonObject(admin("/keys/rotate", new JsonObject().put("alg", "EdDSA")));
    String newKid = rotated.getString("kid");
    assertNotEquals(oldKid, newKid);
    String newToken = mint(workspace);
    assertEquals(newKid, SignedJWT.parse(newToken).getHeader().getKeyID());
    assertEquals("EdDSA", SignedJWT.parse(newToken).getHeader().getAlgorithm().getName());

    assertEquals(200, TestHttp.get(node.mainUrl() + "/echo", oldToken).statusCode(), "old key still verifies");
    assertEquals(200, TestHttp.get(node.mainUrl() + "/echo", newToken).statusCode());
    assertTrue(jwksKids().contains(oldKid) && jwksKids().contains(newKid));
    String jwksBody = TestHttp.get(node.mainUrl() + "/.well-known/jwks.json", null).body();
    assertFalse(jwksBody.contains("\"d\""), "no private parameter published");

    var refuseActive = TestHttp.post(node.adminUrl() + "/admin/v1/keys/" + newKid + "/retire", node.adminToken, null);
    assertEquals(404, refuseActive.statusCode(), "the active key cannot be retired");

    admin("/keys/" + oldKid + "/retire", null);
    assertEquals(401, TestHttp.get(node.mainUrl() + "/echo", oldToken).statusCode(), "retired key verifies nothing");
    assertEquals(200, TestHttp.get(node.mainUrl() + "/echo", newToken).statusCode());
    assertFalse(jwksKids().contains(oldKid));
    JsonArray listed = new JsonObject(TestHttp.get(node.adminUrl() + "/admin/v1/keys", node.adminToken).body())
        .getJsonArray("keys");
    assertTrue(listed.encode().contains("\"retired\""));
    assertFalse(listed.encode().contains("sealed"), "admin key list shows public facts only");
  }
}
