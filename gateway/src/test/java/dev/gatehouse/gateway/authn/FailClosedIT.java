package dev.gatehouse.gateway.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import dev.gatehouse.gateway.token.MintRequest;
import dev.gatehouse.gateway.token.TokenSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken dependencies deny with 503: an unreachable JWKS, then a lost change feed. */
class FailClosedIT {

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
  }

  @Test
  void unreachableJwksAndLostChangeFeedDenyWith503() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Await.result(node.issuers.put(IssuerConfig.fromJson(new JsonObject().put("iss", "https://down.test")
        .put("jwksUrl", "http://127.0.0.1:" + closedPort + "/jwks").put("audience", TokenSettings.DEFAULT_AUDIENCE)
        .put("workspaceClaim", "ws").put("scopeClaim", "scp").put("allowedAlgs", new JsonArray().add("ES256")))
        .orElseThrow()));
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    Instant now = Instant.now();
    String external = Forge.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1")
        .type(TokenSettings.ACCESS_TOKEN_TYPE).build(), new JWTClaimsSet.Builder().issuer("https://down.test")
        .audience(TokenSettings.DEFAULT_AUDIENCE).subject("s").jwtID("j").issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300))).claim("ws", "w").claim("scp", "agents:read").build(),
        new ECDSASigner(key));
    var response = TestHttp.get(node.mainUrl() + "/echo", external);
    assertEquals(503, response.statusCode());
    assertEquals("{\"error\":\"unavailable\"}", response.body());

    UUID workspace = Await.result(node.workspaces.create("fail-closed")).orElseThrow().id();
    String token = Await.result(node.minter.mint(new MintRequest(workspace, "s", Set.of("agents:read"),
        Duration.ofMinutes(5), Optional.empty()))).token();
    assertEquals(200, TestHttp.get(node.mainUrl() + "/echo", token).statusCode());
    database.close();
    // Revocations can no longer be learned: even a cached, valid token is denied.
    TestHttp.awaitStatus(node.mainUrl() + "/echo", token, 503, Duration.ofSeconds(10));
  }
}
