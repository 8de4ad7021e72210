package dev.gatehouse.gateway.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import dev.gatehouse.gateway.token.TokenSettings;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An external issuer's JWKS is fetched a bounded number of times, whatever kids clients invent. */
class UnknownKidFloodIT {

  static final String ISS = "https://flood-idp.test";
  static final int FLOOD = 500;

  @TempDir
  static Path dataDir;
  static TestDatabase database;
  static TestUpstream upstream;
  static AuthnNode node;
  static HttpServer jwksServer;
  static final AtomicInteger fetches = new AtomicInteger();
  static ECKey idpKey;

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    node = new AuthnNode(database.url(), dataDir, upstream.url(), TokenSettings.defaults(), Duration.ofSeconds(30));
    idpKey = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
    String jwks = new JWKSet(idpKey.toPublicJWK()).toString();
    jwksServer = Await.result(node.vertx.createHttpServer().requestHandler(req -> {
      fetches.incrementAndGet();
      // A slow endpoint makes concurrent lookups overlap with the fetch in flight.
      node.vertx.setTimer(50, id -> req.response().putHeader("Content-Type", "application/json").end(jwks));
    }).listen(0, "127.0.0.1"));
    Await.result(node.issuers.put(IssuerConfig.fromJson(new JsonObject().put("iss", ISS)
        .put("jwksUrl", "http://127.0.0.1:" + jwksServer.actualPort() + "/jwks")
        .put("audience", TokenSettings.DEFAULT_AUDIENCE).put("workspaceClaim", "ws").put("scopeClaim", "scp")
        .put("allowedAlgs", new JsonArray().add("ES256"))).orElseThrow()));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    upstream.close();
    database.close();
  }

  static String token(String kid, ECKey signingKey) throws Exception {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISS).audience(TokenSettings.DEFAULT_AUDIENCE)
        .subject("ext-user").jwtID("j-" + kid).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
        .claim("ws", "00000000-0000-0000-0000-000000000001").claim("scp", List.of("agents:read")).build();
    return Forge.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(TokenSettings.ACCESS_TOKEN_TYPE)
        .build(), claims, new ECDSASigner(signingKey));
  }

  @Test
  void unknownKidFloodCausesABoundedNumberOfFetches() throws Exception {
    ECKey attacker = new ECKeyGenerator(Curve.P_256).generate();
    List<Future<AuthnResult>> results = new ArrayList<>();
    for (int i = 0; i < FLOOD; i++) {
      String forged = token("random-" + i, attacker);
      results.add(node.vertx.<Future<AuthnResult>>executeBlocking(() -> node.verifier.verify(forged))
          .compose(f -> f));
    }
    Await.result(Future.join(results));
    for (Future<AuthnResult> result : results) {
      assertInstanceOf(AuthnResult.Rejected.class, result.result());
    }
    // One fetch for the first lookups (single flight); refetches are rate limited to one per 30 s.
    assertEquals(1, fetches.get(), "JWKS fetches during a flood of " + FLOOD + " unknown kids");

    // Positive control: the issuer's real key still verifies, without a further fetch.
    AuthnResult good = Await.result(node.verifier.verify(token("idp-1", idpKey)));
    assertInstanceOf(AuthnResult.Authenticated.class, good);
    assertEquals(1, fetches.get());

    // Over HTTP too: more random kids, still no further fetch, every one 401.
    for (int i = 0; i < 50; i++) {
      assertEquals(401, TestHttp.get(node.mainUrl() + "/echo", token("http-" + i, attacker)).statusCode());
    }
    assertTrue(fetches.get() <= 1, "fetches " + fetches.get());
  }
}
