package dev.gatehouse.gateway.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.token.TokenSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken dependencies of a running gateway deny with 503: an unreachable JWKS, then a lost database. */
class FailClosedIT {

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

  @Test
  void unreachableJwksAndLostChangeFeedDenyWith503() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String workspace = node.admin.createWorkspace("fail-closed");
    node.admin.post("/admin/v1/issuers", new JsonObject().put("iss", "https://down.test")
        .put("jwksUrl", "http://127.0.0.1:" + closedPort + "/jwks").put("audience", TokenSettings.DEFAULT_AUDIENCE)
        .put("workspaceClaim", "ws").put("scopeClaim", "scp").put("allowedAlgs", new JsonArray().add("ES256"))
        .put("allowedWorkspaces", new JsonArray().add(workspace)).put("allowedScopes", new JsonArray().add("agents:read")));
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    Instant now = Instant.now();
    String external = Forge.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1")
        .type(TokenSettings.ACCESS_TOKEN_TYPE).build(), new JWTClaimsSet.Builder().issuer("https://down.test")
        .audience(TokenSettings.DEFAULT_AUDIENCE).subject("s").jwtID("j").issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300))).claim("ws", workspace).claim("scp", "agents:read").build(),
        new ECDSASigner(key));
    int before = node.upstream.received().size();
    HttpResponse<String> response = TestHttp.get(TestGateways.mainUrl(node.gateway) + TARGET, external);
    assertEquals(503, response.statusCode());
    assertEquals("{\"error\":\"unavailable\"}", response.body());
    assertEquals(before, node.upstream.received().size(), "nothing reached the upstream");
    assertEquals(List.of("deny", "authentication_unavailable", "503"),
        node.database.awaitAuditEvent(response.headers().firstValue("X-Request-Id").orElseThrow()),
        "the dependency failure is audited with its reason");

    String token = node.admin.mint(workspace, "s", List.of("agents:read"));
    assertEquals(200, TestHttp.get(TestGateways.mainUrl(node.gateway) + TARGET, token).statusCode());
    node.database.close();
    // Revocations can no longer be learned: even a cached, valid token is denied.
    TestHttp.awaitStatus(TestGateways.mainUrl(node.gateway) + TARGET, token, 503, Duration.ofSeconds(10));
  }
}
