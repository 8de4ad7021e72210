package dev.gatehouse.gateway.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import dev.gatehouse.gateway.token.TokenSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running gateway fetches an external issuer's JWKS a bounded number of times, whatever kids
 * clients invent, even when hundreds of such requests arrive at once.
 */
class UnknownKidFloodIT {

  static final String ISS = "https://flood-idp.test";
  static final String TARGET = "/api/agents/a1";
  static final int FLOOD = 500;

  @TempDir
  static Path dataDir;
  static TestDatabase database;
  static TestUpstream upstream;
  static Gateway gateway;
  static AdminClient admin;
  static String workspace;
  static final Vertx vertx = Vertx.vertx();
  static HttpServer jwksServer;
  static final AtomicInteger fetches = new AtomicInteger();
  static ECKey idpKey;

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    gateway = TestGateways.start(dataDir,
        "upstream.url=" + upstream.url(),
        "database.url=" + database.url(),
        TestHttp.TRUST_LOOPBACK_PROXY);
    admin = new AdminClient(gateway);
    workspace = admin.createWorkspace("flood");
    idpKey = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
    String jwks = new JWKSet(idpKey.toPublicJWK()).toString();
    jwksServer = Await.result(vertx.createHttpServer().requestHandler(req -> {
      fetches.incrementAndGet();
      // A slow endpoint makes concurrent lookups overlap with the fetch in flight.
      vertx.setTimer(50, id -> req.response().putHeader("Content-Type", "application/json").end(jwks));
    }).listen(0, "127.0.0.1"));
    admin.post("/admin/v1/issuers", new JsonObject().put("iss", ISS)
        .put("jwksUrl", "http://127.0.0.1:" + jwksServer.actualPort() + "/jwks")
        .put("audience", TokenSettings.DEFAULT_AUDIENCE).put("workspaceClaim", "ws").put("scopeClaim", "scp")
        .put("allowedAlgs", new JsonArray().add("ES256")).put("allowedWorkspaces", new JsonArray().add(workspace))
        .put("allowedScopes", new JsonArray().add("agents:read")));
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    Await.result(vertx.close());
    upstream.close();
    database.close();
  }

  static String token(String kid, ECKey signingKey) throws Exception {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISS).audience(TokenSettings.DEFAULT_AUDIENCE)
        .subject("ext-user").jwtID("j-" + kid).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
        .claim("ws", workspace).claim("scp", List.of("agents:read")).build();
    return Forge.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(TokenSettings.ACCESS_TOKEN_TYPE)
        .build(), claims, new ECDSASigner(signingKey));
  }

  @Test
  void unknownKidFloodCausesABoundedNumberOfFetches() throws Exception {
    ECKey attacker = new ECKeyGenerator(Curve.P_256).generate();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < FLOOD; i++) {
      answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(TestGateways.mainUrl(gateway) + TARGET))
          .timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + token("random-" + i, attacker))
          .header("X-Forwarded-For", TestHttp.freshClientAddress())
          .build(), HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      assertEquals(401, answer.get().statusCode(), "every unknown kid is refused by authentication");
    }
    assertEquals(0, upstream.received().size(), "no flooded request reached the upstream");
    // One fetch for the first lookups (single flight); refetches are rate limited to one per 30 s.
    assertEquals(1, fetches.get(), "JWKS fetches during a flood of " + FLOOD + " unknown kids");

    // Positive control: the issuer's real key still verifies, without a further fetch.
    assertEquals(200, TestHttp.get(TestGateways.mainUrl(gateway) + TARGET, token("idp-1", idpKey)).statusCode());
    assertEquals(1, fetches.get());

    // One by one too: more random kids, still no further fetch, every one 401.
    for (int i = 0; i < 50; i++) {
      assertEquals(401, TestHttp.get(TestGateways.mainUrl(gateway) + TARGET, token("http-" + i, attacker))
          .statusCode());
    }
    assertEquals(1, fetches.get(), "fetches after sequential unknown kids");
  }
}
