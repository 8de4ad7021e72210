package dev.gatehouse.gateway.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.gateway.errors.ErrorBody;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JWT attack catalogue J01–J24 against a running gateway, one parameterized case per row.
 * Every attack must be refused by authentication (400/401/413/431, never a limiter's 429) with a
 * generic body, reach nothing upstream, make the gateway fetch no URL, reflect no claim, and finish
 * within a time budget; every row also runs a positive control that must pass, so a broken
 * fixture cannot pass as "rejected". The gateway trusts the loopback proxy, and each request names
 * its own client address, so the failed-authentication limiter never answers for authentication.
 */
class JwtAttacksIT {

  static final Duration BUDGET = Duration.ofSeconds(2);
  static final TokenSettings SETTINGS = TokenSettings.defaults();
  static final String CANARY = "canary-" + UUID.randomUUID();
  /** A protected route of the test policy that needs {@code agents:read}, the forged tokens' scope. */
  static final String TARGET = "/api/agents/a1";
  /** What an attack may be answered with: a malformed request, an oversized one, or no authentication. */
  static final Set<Integer> REFUSALS = Set.of(400, 401, 413, 431);

  @TempDir
  static Path dataDir;
  static TestDatabase database;
  static TestUpstream upstream;
  static Gateway gateway;
  static AdminClient admin;
  static Forge forge;
  static final Vertx vertx = Vertx.vertx();
  static HttpServer listener;
  static final AtomicInteger listenerHits = new AtomicInteger();
  static String listenerUrl;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static RSAKey idpKey;
  static RSAKey weakKey;
  static OctetSequenceKey octKey;

  /** One attack: a name and the request to send. */
  record Attack(String name, String authorization, String query) {
    static Attack bearer(String name, String token) {
      return new Attack(name, "Bearer " + token, "");
    }
  }

  /** A table row: its attacks and a positive-control token. */
  interface Row {
    List<Attack> attacks() throws Exception;
  }

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    gateway = TestGateways.start(dataDir,
        "upstream.url=" + upstream.url(),
        "database.url=" + database.url(),
        TestHttp.TRUST_LOOPBACK_PROXY);
    admin = new AdminClient(gateway);
    forge = new Forge(gateway, database.jdbcUrl(), admin.createWorkspace("attacks"));
    idpKey = new RSAKeyGenerator(2048).keyID("idp-good").generate();
    weakKey = new RSAKeyGenerator(1024, true).keyID("idp-weak").generate();
    octKey = new OctetSequenceKey.Builder(new byte[32]).keyID("idp-oct").build();
    // A listener that plays attacker JWKS/x5u host and the external issuer's JWKS endpoint.
    String jwks = new JWKSet(List.of(idpKey.toPublicJWK(), weakKey.toPublicJWK(), octKey)).toString(false);
    listener = Await.result(vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/idp/jwks")) {
        req.response().putHeader("Content-Type", "application/json").end(jwks);
      } else {
        listenerHits.incrementAndGet();
        req.response().end(jwks);
      }
    }).listen(0, "127.0.0.1"));
    listenerUrl = "http://127.0.0.1:" + listener.actualPort();
    admin.post("/admin/v1/issuers", new JsonObject().put("iss", "https://idp.test")
        .put("jwksUrl", listenerUrl + "/idp/jwks").put("audience", SETTINGS.audience())
        .put("workspaceClaim", "ws").put("scopeClaim", "scp").put("allowedAlgs", new JsonArray().add("RS256"))
        .put("allowedWorkspaces", new JsonArray().add(forge.workspace))
        .put("allowedScopes", new JsonArray().add("agents:read")));
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    if (forge != null) {
      forge.close();
    }
    Await.result(vertx.close());
    upstream.close();
    database.close();
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        row("J01 tampered payload / cut signature", () -> {
          String t = forge.sign(forge.claims().build());
          String[] p = t.split("\\.");
          String tampered = Forge.b64(new String(java.util.Base64.getUrlDecoder().decode(p[1]), StandardCharsets.UTF_8)
              .replace("\"alice\"", "\"admin\"")) + "";
          return List.of(Attack.bearer("tampered", p[0] + "." + tampered + "." + p[2]),
              Attack.bearer("cut", t.substring(0, t.length() - 4)));
        }),
        row("J02 alg none and variants", () -> {
          String payload = forge.claims().build().toString();
          String kid = forge.activeKey().getKeyID();
          List<Attack> out = new ArrayList<>();
          for (String alg : List.of("none", "None", "NONE", "nOnE")) {
            out.add(Attack.bearer(alg, Forge.b64(hdr(alg, kid)) + "." + Forge.b64(payload) + "."));
          }
          String real = forge.sign(forge.claims().build());
          out.add(Attack.bearer("none-with-sig", Forge.b64(hdr("none", kid)) + "." + real.split("\\.")[1] + "."
              + real.split("\\.")[2]));
          out.add(Attack.bearer("alg-missing", forge.signRaw("{\"kid\":\"" + kid + "\",\"typ\":\"at+jwt\"}", payload)));
          out.add(Attack.bearer("alg-empty", forge.signRaw(hdr("", kid), payload)));
          return out;
        }),
        row("J03 null signature", () -> {
          String t = forge.sign(forge.claims().build());
          return List.of(Attack.bearer("null-sig", t.substring(0, t.lastIndexOf('.') + 1)));
        }),
        row("J04 HS256 with an empty secret", () -> List.of(Attack.bearer("hs-empty",
            Forge.hs256(hdr("HS256", forge.activeKey().getKeyID()), forge.claims().build().toString(), new byte[0])))),
        row("J05 HS256 with common secrets", () -> {
          List<Attack> out = new ArrayList<>();
          for (String secret : List.of("secret", "password", "gatehouse", "changeme")) {
            out.add(Attack.bearer(secret, Forge.hs256(hdr("HS256", forge.activeKey().getKeyID()),
                forge.claims().build().toString(), secret.getBytes(StandardCharsets.UTF_8))));
          }
          return out;
        }),
        row("J06 RS/ES to HS confusion with the public key", () -> {
          ECKey pub = forge.activeKey().toECKey().toPublicJWK();
          String pem = "-----BEGIN PUBLIC KEY-----\n"
              + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pub.toPublicKey().getEncoded())
              + "\n-----END PUBLIC KEY-----";
          List<Attack> out = new ArrayList<>();
          for (byte[] key : List.of(pub.toJSONString().getBytes(), pem.getBytes(), (pem + "\n").getBytes(),
              pub.toPublicKey().getEncoded())) {
            out.add(Attack.bearer("hs-pub-" + out.size(),
                Forge.hs256(hdr("HS256", pub.getKeyID()), forge.claims().build().toString(), key)));
          }
          return out;
        }),
        row("J07 embedded jwk header", () -> {
          ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID(forge.activeKey().getKeyID()).generate();
          JWSHeader h = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(attacker.getKeyID())
              .type(TokenSettings.ACCESS_TOKEN_TYPE).jwk(attacker.toPublicJWK()).build();
          return List.of(Attack.bearer("jwk", Forge.sign(h, forge.claims().build(), new ECDSASigner(attacker))));
        }),
        row("J08 jku to an attacker JWKS", () -> {
          ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID("attacker").generate();
          List<Attack> out = new ArrayList<>();
          for (String url : List.of(listenerUrl + "/jwks", "file:///etc/passwd", "https://evil.example/jwks")) {
            JWSHeader h = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("attacker")
                .type(TokenSettings.ACCESS_TOKEN_TYPE).jwkURL(URI.create(url)).build();
            out.add(Attack.bearer("jku-" + out.size(), Forge.sign(h, forge.claims().build(), new ECDSASigner(attacker))));
          }
          return out;
        }),
        row("J09 x5u and x5c", () -> {
          JWSHeader x5u = forge.header().x509CertURL(URI.create(listenerUrl + "/x5u")).build();
          JWSHeader x5c = forge.header().x509CertChain(List.of(Base64.encode(new byte[64]))).build();
          return List.of(Attack.bearer("x5u", forge.sign(x5u, forge.claims().build())),
              Attack.bearer("x5c", forge.sign(x5c, forge.claims().build())));
        }),
        row("J10 kid injection and unknown kid", () -> {
          List<Attack> out = new ArrayList<>();
          String payload = forge.claims().build().toString();
          for (String kid : List.of("", "../../../../../../dev/null", "/dev/null", "/invalid_path",
              "x' UNION SELECT '1';--", "|sleep 10")) {
            out.add(Attack.bearer("kid-hs-" + out.size(), Forge.hs256(hdr("HS256", kid), payload, "1".getBytes())));
            out.add(Attack.bearer("kid-es-" + out.size(), forge.signRaw(hdr("ES256", kid), payload)));
          }
          ECKey other = new ECKeyGenerator(Curve.P_256).keyID("unknown-kid").generate();
          out.add(Attack.bearer("unknown-kid", Forge.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("unknown-kid")
              .type(TokenSettings.ACCESS_TOKEN_TYPE).build(), forge.claims().build(), new ECDSASigner(other))));
          return out;
        }),
        row("J11 psychic ECDSA signatures", () -> {
          String t = forge.sign(forge.claims().build());
          String input = t.substring(0, t.lastIndexOf('.') + 1);
          byte[] n = java.util.HexFormat.of().parseHex(
              "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
          byte[] rsN = new byte[64];
          System.arraycopy(n, 0, rsN, 0, 32);
          System.arraycopy(n, 0, rsN, 32, 32);
          return List.of(Attack.bearer("zero-p1363", input + Forge.b64(new byte[64])),
              Attack.bearer("zero-der", input + Forge.b64(java.util.HexFormat.of().parseHex("3006020100020100"))),
              Attack.bearer("r=s=n", input + Forge.b64(rsN)));
        }),
        row("J12 time claims", () -> {
          Instant now = Instant.now();
          List<Attack> out = new ArrayList<>();
          out.add(Attack.bearer("expired", forge.sign(forge.claims().issueTime(Date.from(now.minusSeconds(600)))
              .expirationTime(Date.from(now.minusSeconds(120))).build())));
          out.add(Attack.bearer("expired-leeway+1", forge.sign(forge.claims().issueTime(Date.from(now.minusSeconds(600)))
              .expirationTime(Date.from(now.minus(TokenSettings.LEEWAY).minusSeconds(1))).build())));
          out.add(Attack.bearer("nbf-future", forge.sign(forge.claims().notBeforeTime(Date.from(now.plusSeconds(3600)))
              .build())));
          out.add(Attack.bearer("nbf-max", forge.sign(forge.claims().claim("nbf", Long.MAX_VALUE).build())));
          out.add(Attack.bearer("exp-missing", forge.sign(forge.claims().expirationTime(null).build())));
          out.add(Attack.bearer("iat-missing", forge.sign(forge.claims().issueTime(null).build())));
          out.add(Attack.bearer("iat-future", forge.sign(forge.claims().issueTime(Date.from(now.plusSeconds(3600)))
              .expirationTime(Date.from(now.plusSeconds(4000))).build())));
          String base = "{\"iss\":\"" + SETTINGS.issuer() + "\",\"aud\":\"" + SETTINGS.audience()
              + "\",\"sub\":\"alice\",\"jti\":\"j\",\"workspace\":\"" + forge.workspace + "\",\"scope\":\"agents:read\","
              + "\"iat\":" + now.getEpochSecond() + ",\"exp\":";
          String h = hdr("ES256", forge.activeKey().getKeyID());
          out.add(Attack.bearer("exp-float", forge.signRaw(h, base + (now.getEpochSecond() + 300) + ".5}")));
          out.add(Attack.bearer("exp-huge", forge.signRaw(h, base + "99999999999999999999}")));
          out.add(Attack.bearer("exp-string", forge.signRaw(h, base + "\"" + (now.getEpochSecond() + 300) + "\"}")));
          out.add(Attack.bearer("lifetime-too-long", forge.sign(forge.claims()
              .expirationTime(Date.from(now.plus(SETTINGS.maxTtl()).plusSeconds(60))).build())));
          return out;
        }),
        row("J13 audience", () -> {
          List<Attack> out = new ArrayList<>();
          out.add(Attack.bearer("aud-missing", forge.sign(forge.claims().audience((String) null).build())));
          for (Object aud : List.of("other-service", "", SETTINGS.audience().toUpperCase(), SETTINGS.audience() + "/")) {
            out.add(Attack.bearer("aud-" + out.size(), forge.sign(forge.claims().audience((String) aud).build())));
          }
          out.add(Attack.bearer("aud-array", forge.sign(forge.claims().audience(List.of("other", SETTINGS.audience()))
              .build())));
          return out;
        }),
        row("J14 issuer", () -> List.of(
            Attack.bearer("iss-unknown", forge.sign(forge.claims().issuer("https://unknown.example").build())),
            Attack.bearer("iss-other-registered", forge.sign(forge.claims().issuer("https://idp.test").build())),
            Attack.bearer("idp-key-claims-ours", Forge.sign(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(idpKey.getKeyID()).type(TokenSettings.ACCESS_TOKEN_TYPE).build(),
                forge.claims().build(), new RSASSASigner(idpKey))))),
        row("J15 token type", () -> List.of(
            Attack.bearer("typ-missing", forge.sign(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(forge.activeKey().getKeyID()).build(), forge.claims().build())),
            Attack.bearer("typ-jwt", forge.sign(forge.header().type(JOSEObjectType.JWT).build(), forge.claims().build())),
            Attack.bearer("id-token", forge.sign(forge.header().type(new JOSEObjectType("id_token+jwt")).build(),
                forge.claims().build())))),
        row("J16 claim type confusion", () -> {
          List<Attack> out = new ArrayList<>();
          for (String claim : List.of("sub", "jti", "workspace", "scope", "aud", "iss", "exp", "iat")) {
            for (Object value : new Object[] {null, true, false, "jwt_tool", 0L, new JsonObject().put("a", 1).getMap()}) {
              if (List.of("sub", "jti", "workspace", "scope").contains(claim) && "jwt_tool".equals(value)) {
                continue; // a well-typed string value: not a type confusion
              }
              JWTClaimsSet c = new JWTClaimsSet.Builder(forge.claims().build()).claim(claim, value).build();
              if (value == null && c.getClaim(claim) == null && !claim.equals("scope")) {
                out.add(Attack.bearer(claim + "-null", forge.sign(c)));
              } else if (value != null) {
                out.add(Attack.bearer(claim + "-" + value, forge.sign(c)));
              }
            }
          }
          out.add(Attack.bearer("header-alg-true", forge.signRaw("{\"alg\":true,\"kid\":\"k\",\"typ\":\"at+jwt\"}",
              forge.claims().build().toString())));
          return out;
        }),
        row("J17 duplicate members and polyglot", () -> {
          String kid = forge.activeKey().getKeyID();
          String payload = forge.claims().build().toString();
          String dupSub = payload.replaceFirst("\\{", "{\"sub\":\"mallory\",");
          String t = forge.sign(forge.claims().build());
          String[] p = t.split("\\.");
          String polyglot = "{\"protected\":\"" + p[0] + "\",\"payload\":\"" + p[1] + "\",\"signature\":\"" + p[2]
              + "\",\"x\":\"" + t + "\"}";
          return List.of(
              Attack.bearer("dup-alg", forge.signRaw("{\"alg\":\"ES256\",\"alg\":\"none\",\"kid\":\"" + kid
                  + "\",\"typ\":\"at+jwt\"}", payload)),
              Attack.bearer("dup-sub", forge.signRaw(hdr("ES256", kid), dupSub)),
              Attack.bearer("polyglot", polyglot));
        }),
        row("J18 size and shape abuse", () -> {
          String kid = forge.activeKey().getKeyID();
          String t = forge.sign(forge.claims().build());
          String[] p = t.split("\\.");
          JsonArray manyAud = new JsonArray();
          for (int i = 0; i < 10_000; i++) {
            manyAud.add("a" + i);
          }
          return List.of(
              Attack.bearer("big-header", forge.signRaw("{\"alg\":\"ES256\",\"kid\":\"" + "k".repeat(9000)
                  + "\",\"typ\":\"at+jwt\"}", forge.claims().build().toString())),
              Attack.bearer("deep-nesting", forge.signRaw(hdr("ES256", kid), "{\"x\":" + "[".repeat(3000)
                  + "]".repeat(3000) + "}")),
              Attack.bearer("aud-10k", forge.signRaw(hdr("ES256", kid), new JsonObject(forge.claims().build()
                  .toJSONObject()).put("aud", manyAud).encode())),
              Attack.bearer("two-segments", p[0] + "." + p[1]),
              Attack.bearer("four-segments", t + ".x"),
              Attack.bearer("six-segments", t + ".x.y.z"),
              Attack.bearer("non-base64url", p[0] + "." + p[1] + "+/." + p[2]),
              Attack.bearer("padding", p[0] + "==." + p[1] + "." + p[2]),
              Attack.bearer("trailing", t + " trailing"));
        }),
        row("J19 JWE in any form", () -> {
          String enc = Forge.b64("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\",\"kid\":\"k\"}");
          String pbes = Forge.b64("{\"alg\":\"PBES2-HS256+A128KW\",\"enc\":\"A128GCM\",\"p2c\":2000000000,"
              + "\"p2s\":\"c2FsdHNhbHQ\"}");
          String zip = Forge.b64("{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"zip\":\"DEF\"}");
          return List.of(Attack.bearer("jwe", enc + ".YQ.YQ.YQ.YQ"), Attack.bearer("pbes2", pbes + ".YQ.YQ.YQ.YQ"),
              Attack.bearer("zip", zip + "..YQ.YQ.YQ"),
              Attack.bearer("enc-in-jws", forge.signRaw("{\"alg\":\"ES256\",\"enc\":\"A128GCM\",\"kid\":\""
                  + forge.activeKey().getKeyID() + "\",\"typ\":\"at+jwt\"}", forge.claims().build().toString())));
        }),
        row("J20 crit, b64 and cty", () -> {
          String kid = forge.activeKey().getKeyID();
          String payload = forge.claims().build().toString();
          return List.of(
              Attack.bearer("crit", forge.signRaw("{\"alg\":\"ES256\",\"kid\":\"" + kid
                  + "\",\"typ\":\"at+jwt\",\"crit\":[\"x-unknown\"],\"x-unknown\":1}", payload)),
              Attack.bearer("b64-false", forge.signRaw("{\"alg\":\"ES256\",\"kid\":\"" + kid
                  + "\",\"typ\":\"at+jwt\",\"b64\":false,\"crit\":[\"b64\"]}", payload)),
              Attack.bearer("cty-jwt", forge.sign(forge.header().contentType("JWT").build(), forge.claims().build())));
        }),
        row("J21 claims never reflected", () -> List.of(
            Attack.bearer("canary-unsigned", forge.sign(forge.claims().build()).replaceFirst("\\.[^.]+\\.",
                "." + Forge.b64(forge.claims().subject(CANARY).claim("workspace", CANARY).build().toString()) + ".")),
            Attack.bearer("canary-expired", forge.sign(forge.claims().subject(CANARY)
                .expirationTime(Date.from(Instant.now().minusSeconds(3600)))
                .issueTime(Date.from(Instant.now().minusSeconds(4000))).build())))),
        row("J22 no outbound interaction via claims", () -> List.of(
            Attack.bearer("iss-url", forge.sign(forge.claims().issuer(listenerUrl + "/iss").build())),
            Attack.bearer("claims-urls", forge.sign(forge.claims().claim("jku", listenerUrl + "/c")
                .claim("x5u", listenerUrl + "/c").claim("iss", listenerUrl + "/c").build())))),
        row("J23 query token, revoked token, retired kid", () -> {
          String minted = admin.mint(forge.workspace, "bob", List.of("agents:read"), "5m").getString("token");
          JsonObject revoked = admin.mint(forge.workspace, "carol", List.of("agents:read"), "5m");
          assertEquals(200, send(Attack.bearer("revoked-before", revoked.getString("token"))).statusCode());
          admin.post("/admin/v1/tokens/revoke", new JsonObject().put("jti", revoked.getString("jti")));
          String oldKid = forge.activeKey().getKeyID();
          String oldKeyToken = forge.sign(forge.claims().build());
          assertEquals(200, send(Attack.bearer("old-key-before", oldKeyToken)).statusCode());
          admin.post("/admin/v1/keys/rotate", new JsonObject().put("alg", "ES256"));
          admin.post("/admin/v1/keys/" + oldKid + "/retire", new JsonObject());
          return List.of(new Attack("query", "", "access_token=" + minted),
              Attack.bearer("revoked", revoked.getString("token")),
              Attack.bearer("retired-kid", oldKeyToken));
        }),
        row("J24 weak and symmetric keys in an external JWKS", () -> {
          JWTClaimsSet claims = new JWTClaimsSet.Builder(forge.claims().build()).issuer("https://idp.test")
              .claim("ws", forge.workspace).claim("scp", "agents:read").build();
          return List.of(
              Attack.bearer("rsa-1024", Forge.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(weakKey.getKeyID())
                  .type(TokenSettings.ACCESS_TOKEN_TYPE).build(), claims, new RSASSASigner(weakKey.toPrivateKey(),
                  true))),
              Attack.bearer("oct", Forge.hs256(hdr("HS256", octKey.getKeyID()), claims.toString(), new byte[32])),
              Attack.bearer("oct-as-rs256", Forge.hs256(hdr("RS256", octKey.getKeyID()), claims.toString(),
                  new byte[32])));
        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void attackIsRefusedAndControlPasses(String id, Row row) throws Exception {
    List<Attack> attacks = row.attacks();
    assertFalse(attacks.isEmpty(), "row has attacks");
    for (Attack attack : attacks) {
      long start = System.nanoTime();
      String marker = UUID.randomUUID().toString();
      HttpResponse<String> response = send(attack, marker);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      int status = response.statusCode();
      assertTrue(REFUSALS.contains(status), id + "/" + attack.name() + ": status " + status
          + " (429 would mean a limiter, not authentication, answered)");
      assertGenericBody(status, response.body(), id + "/" + attack.name());
      assertFalse(response.body().contains(CANARY), id + "/" + attack.name() + ": claim reflected");
      assertTrue(upstream.received().stream().noneMatch(r -> marker.equals(r.headers().get("X-Attack"))),
          id + "/" + attack.name() + ": reached upstream");
      assertTrue(took.compareTo(BUDGET) < 0, id + "/" + attack.name() + ": took " + took);
    }
    assertEquals(0, listenerHits.get(), id + ": a header or claim made the gateway fetch a URL");
    assertPositiveControl(id);
  }

  private static void assertPositiveControl(String id) throws Exception {
    String own = forge.sign(forge.claims().build());
    String marker = UUID.randomUUID().toString();
    HttpResponse<String> ok = send(Attack.bearer("control", own), marker);
    assertEquals(200, ok.statusCode(), id + ": positive control");
    upstream.awaitRequest("X-Attack", marker);
    if (id.startsWith("J14") || id.startsWith("J24")) {
      JWTClaimsSet claims = new JWTClaimsSet.Builder(forge.claims().build()).issuer("https://idp.test")
          .claim("ws", forge.workspace).claim("scp", "agents:read").build();
      String external = Forge.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(idpKey.getKeyID())
          .type(TokenSettings.ACCESS_TOKEN_TYPE).build(), claims, new RSASSASigner(idpKey));
      assertEquals(200, send(Attack.bearer("external-control", external)).statusCode(), id + ": external control");
    }
  }

  /**
   * A refusal's body is the gateway's fixed JSON for its status; an oversized header section is
   * refused by the HTTP parser itself, with an empty body.
   */
  static void assertGenericBody(int status, String body, String what) {
    if (status == 431 && body.isEmpty()) {
      return;
    }
    assertEquals(new JsonObject().put("error", ErrorBody.forStatus(status).key()), new JsonObject(body), what);
  }

  static HttpResponse<String> send(Attack attack) throws Exception {
    return send(attack, UUID.randomUUID().toString());
  }

  static HttpResponse<String> send(Attack attack, String marker) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TestGateways.mainUrl(gateway) + TARGET
            + (attack.query().isEmpty() ? "" : "?" + attack.query())))
        .timeout(Duration.ofSeconds(10))
        .header("X-Forwarded-For", TestHttp.freshClientAddress())
        .header("X-Attack", marker);
    if (!attack.authorization().isEmpty()) {
      request.header("Authorization", attack.authorization());
    }
    return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static String hdr(String alg, String kid) {
    return new JsonObject().put("alg", alg).put("kid", kid).put("typ", "at+jwt").encode();
  }

  static Arguments row(String id, Row row) {
    return Arguments.of(id, row);
  }
}
