package dev.gatehouse.gateway.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation on a running gateway: a new key signs, old keys verify until retired, the JWKS document follows. */
class KeyRotationIT {

  static final String TARGET = "/api/agents/a1";

  @TempDir
  static Path dataDir;
  static GatewayFixture node;

  @BeforeAll
  static void start() throws Exception {
    node = GatewayFixture.start(dataDir, TestHttp.TRUST_LOOPBACK_PROXY);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static String mint(String workspace) throws Exception {
    return node.admin.mint(workspace, "ivy", List.of("agents:read"), "10m").getString("token");
  }

  static int call(String token) throws Exception {
    return TestHttp.get(TestGateways.mainUrl(node.gateway) + TARGET, token).statusCode();
  }

  static String jwks() throws Exception {
    HttpResponse<String> response = TestHttp.get(TestGateways.mainUrl(node.gateway) + "/.well-known/jwks.json", null);
    assertEquals(200, response.statusCode());
    return response.body();
  }

  static JsonArray jwksKids() throws Exception {
    JsonArray kids = new JsonArray();
    new JsonObject(jwks()).getJsonArray("keys").forEach(k -> kids.add(((JsonObject) k).getString("kid")));
    return kids;
  }

  @Test
  void oldTokensVerifyUntilTheirKeyIsRetired() throws Exception {
    String workspace = node.admin.createWorkspace("rotation");
    String oldToken = mint(workspace);
    String oldKid = SignedJWT.parse(oldToken).getHeader().getKeyID();

    HttpResponse<String> rotated = node.admin.send("/admin/v1/keys/rotate", new JsonObject().put("alg", "EdDSA"));
    assertEquals(201, rotated.statusCode());
    String newKid = new JsonObject(rotated.body()).getString("kid");
    assertNotEquals(oldKid, newKid);
    String newToken = mint(workspace);
    assertEquals(newKid, SignedJWT.parse(newToken).getHeader().getKeyID());
    assertEquals("EdDSA", SignedJWT.parse(newToken).getHeader().getAlgorithm().getName());

    assertEquals(200, call(oldToken), "old key still verifies");
    assertEquals(200, call(newToken));
    assertTrue(jwksKids().contains(oldKid) && jwksKids().contains(newKid));
    assertFalse(jwks().contains("\"d\""), "no private parameter published");

    assertEquals(404, node.admin.send("/admin/v1/keys/" + newKid + "/retire", null).statusCode(),
        "the active key cannot be retired");

    node.admin.post("/admin/v1/keys/" + oldKid + "/retire", null);
    assertEquals(401, call(oldToken), "retired key verifies nothing");
    assertEquals(200, call(newToken));
    assertFalse(jwksKids().contains(oldKid));
    HttpResponse<String> listed = node.admin.get("/admin/v1/keys");
    assertEquals(200, listed.statusCode());
    String keys = new JsonObject(listed.body()).getJsonArray("keys").encode();
    assertTrue(keys.contains("\"retired\""));
    assertFalse(keys.contains("sealed"), "admin key list shows public facts only");
  }
}
