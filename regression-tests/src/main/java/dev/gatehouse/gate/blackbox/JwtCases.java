package dev.gatehouse.gate.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JWT attack catalogue J01–J24 as black-box cases. Tokens are built from what a remote
 * attacker with an admin-minted token can see: the token itself, the published JWKS, and (for
 * claim rules) a throwaway external issuer the suite registers and holds the keys of. Rotating
 * the target's own signing key is not done here (it is not a throwaway action on a live
 * deployment); the retired-kid half of J23 stays with the in-process suite (JwtAttacksIT).
 */
final class JwtCases {

  private JwtCases() {}

  static List<Case> all() {
    return List.of(
        new Case("BB-J01", "tampered payload and cut signature", List.of("T-AUTH-001"), JwtCases::tampered),
        new Case("BB-J02", "alg none in any spelling, alg missing or empty", List.of("T-AUTH-001"), JwtCases::algNone),
        new Case("BB-J03", "null signature", List.of("T-AUTH-001"), s -> s.refuseAll("BB-J03",
            List.of(Attack.bearer("null-sig", signingInput(s.token))))),
        new Case("BB-J04", "HS256 with an empty secret", List.of("T-AUTH-001"), s -> s.refuseAll("BB-J04",
            List.of(Attack.bearer("hs-empty", Session.hs256(hdr("HS256", s.kid()), payload(s), new byte[0]))))),
        new Case("BB-J05", "HS256 with common secrets", List.of("T-AUTH-001"), JwtCases::commonSecrets),
        new Case("BB-J06", "HS256 keyed with the published public key", List.of("T-AUTH-002"), JwtCases::confusion),
        new Case("BB-J07", "embedded jwk header", List.of("T-AUTH-003"), JwtCases::embeddedJwk),
        new Case("BB-J08", "jku to an attacker JWKS, no fetch", List.of("T-AUTH-003"), JwtCases::jku),
        new Case("BB-J09", "x5u and x5c headers", List.of("T-AUTH-003"), JwtCases::x5),
        new Case("BB-J10", "kid injection and unknown kid", List.of("T-AUTH-003"), JwtCases::kid),
        new Case("BB-J11", "psychic ECDSA signatures", List.of("T-AUTH-001", "T-SUP-002"), JwtCases::psychic),
        new Case("BB-J12", "time claims", List.of("T-AUTH-004"), JwtCases::time),
        new Case("BB-J13", "audience", List.of("T-AUTH-005"), JwtCases::audience),
        new Case("BB-J14", "issuer bound to its key", List.of("T-AUTH-005"), JwtCases::issuer),
        new Case("BB-J15", "token type", List.of("T-AUTH-005"), JwtCases::type),
        new Case("BB-J16", "claim type confusion", List.of("T-AUTH-006"), JwtCases::claimTypes),
        new Case("BB-J17", "duplicate members and polyglot token", List.of("T-AUTH-006"), JwtCases::duplicates),
        new Case("BB-J18", "size and shape abuse", List.of("T-DOS-001", "T-AUTH-006"), JwtCases::sizes),
        new Case("BB-J19", "JWE in any form", List.of("T-AUTH-006"), JwtCases::jwe),
        new Case("BB-J20", "crit, b64 and cty", List.of("T-AUTH-006"), JwtCases::crit),
        new Case("BB-J21", "claims never reflected", List.of("T-AUTH-012"), JwtCases::reflected),
        new Case("BB-J22", "no outbound fetch from claims", List.of("T-AUTH-003", "T-AUTH-012"), JwtCases::outbound),
        new Case("BB-J23", "query token and revoked token", List.of("T-AUTH-009", "T-AUTH-007"), JwtCases::revoked),
        new Case("BB-J24", "weak and symmetric keys in an external JWKS", List.of("T-AUTH-002"), JwtCases::weakKeys));
  }

  private static void tampered(Session s) throws Exception {
    String[] p = s.token.split("\\.");
    ObjectNode claims = s.tokenClaims.deepCopy();
    claims.put("sub", "admin");
    String cut = s.token.substring(0, s.token.length() - 4);
    s.refuseAll("BB-J01", List.of(Attack.bearer("tampered", p[0] + "." + Session.b64(Session.json(claims)) + "." + p[2]),
        Attack.bearer("cut", cut)));
  }

  private static void algNone(Session s) throws Exception {
    List<Attack> out = new ArrayList<>();
    for (String alg : List.of("none", "None", "NONE", "nOnE")) {
      out.add(Attack.bearer(alg, Session.b64(hdr(alg, s.kid())) + "." + payload64(s) + "."));
    }
    out.add(Attack.bearer("none-with-sig", Session.b64(hdr("none", s.kid())) + "." + payload64(s) + "." + sig(s)));
    out.add(Attack.bearer("alg-missing", Session.b64("{\"kid\":\"" + s.kid() + "\",\"typ\":\"at+jwt\"}") + "."
        + payload64(s) + "." + sig(s)));
    out.add(Attack.bearer("alg-empty", Session.b64(hdr("", s.kid())) + "." + payload64(s) + "." + sig(s)));
    s.refuseAll("BB-J02", out);
  }

  private static void commonSecrets(Session s) throws Exception {
    List<Attack> out = new ArrayList<>();
    for (String secret : List.of("secret", "password", "gatehouse", "changeme", "your-256-bit-secret")) {
      out.add(Attack.bearer(secret, Session.hs256(hdr("HS256", s.kid()), payload(s),
          secret.getBytes(StandardCharsets.UTF_8))));
    }
    s.refuseAll("BB-J05", out);
  }

  private static void confusion(Session s) throws Exception {
    List<Attack> out = new ArrayList<>();
    for (JsonNode key : s.jwks.path("keys")) {
      String kid = key.path("kid").asText();
      JWK jwk = JWK.parse(Session.json(key));
      List<byte[]> secrets = new ArrayList<>(List.of(jwk.toJSONString().getBytes(StandardCharsets.UTF_8),
          Session.json(key).getBytes(StandardCharsets.UTF_8)));
      if (jwk instanceof ECKey ec) {
        PublicKey pub = ec.toPublicKey();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(pub.getEncoded()) + "\n-----END PUBLIC KEY-----";
        secrets.addAll(List.of(pem.getBytes(StandardCharsets.US_ASCII), (pem + "\n").getBytes(StandardCharsets.US_ASCII),
            pub.getEncoded()));
      }
      for (byte[] secret : secrets) {
        out.add(Attack.bearer("hs-pub-" + kid + "-" + out.size(), Session.hs256(hdr("HS256", kid), payload(s), secret)));
      }
    }
    s.refuseAll("BB-J06", out);
  }

  private static void embeddedJwk(Session s) throws Exception {
    ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID(s.kid()).generate();
    JWSHeader h = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(s.kid()).type(new JOSEObjectType("at+jwt"))
        .jwk(attacker.toPublicJWK()).build();
    s.refuseAll("BB-J07", List.of(Attack.bearer("jwk", es256(h.toString(), payload(s), attacker))));
  }

  private static void jku(Session s) throws Exception {
    ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID("attacker").generate();
    List<Attack> out = new ArrayList<>();
    for (String url : List.of(s.callbackUrl("/jku"), "file:///etc/passwd", "https://evil.example/jwks")) {
      Map<String, Object> h = header("ES256", "attacker");
      h.put("jku", url);
      out.add(Attack.bearer("jku-" + out.size(), es256(Session.json(h), payload(s), attacker)));
    }
    s.refuseAll("BB-J08", out);
  }

  private static void x5(Session s) throws Exception {
    Map<String, Object> x5u = header(alg(s), s.kid());
    x5u.put("x5u", s.callbackUrl("/x5u"));
    Map<String, Object> x5c = header(alg(s), s.kid());
    x5c.put("x5c", List.of(Base64.getEncoder().encodeToString(new byte[64])));
    s.refuseAll("BB-J09", List.of(
        Attack.bearer("x5u", Session.b64(Session.json(x5u)) + "." + payload64(s) + "." + sig(s)),
        Attack.bearer("x5c", Session.b64(Session.json(x5c)) + "." + payload64(s) + "." + sig(s))));
  }

  private static void kid(Session s) throws Exception {
    List<Attack> out = new ArrayList<>();
    for (String kid : List.of("", "../../../../../../dev/null", "/dev/null", "/invalid_path", "x' UNION SELECT '1';--",
        "|sleep 10")) {
      out.add(Attack.bearer("kid-hs-" + out.size(), Session.hs256(hdr("HS256", kid), payload(s), "1".getBytes(
          StandardCharsets.US_ASCII))));
      out.add(Attack.bearer("kid-swap-" + out.size(), Session.b64(hdr(alg(s), kid)) + "." + payload64(s) + "." + sig(s)));
    }
    ECKey other = new ECKeyGenerator(Curve.P_256).keyID("unknown-kid").generate();
    out.add(Attack.bearer("unknown-kid", es256(hdr("ES256", "unknown-kid-" + s.runId), payload(s), other)));
    s.refuseAll("BB-J10", out);
  }

  private static void psychic(Session s) throws Exception {
    String input = signingInput(s.token);
    byte[] n = HexFormat.of().parseHex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
    byte[] rsN = new byte[64];
    System.arraycopy(n, 0, rsN, 0, 32);
    System.arraycopy(n, 0, rsN, 32, 32);
    s.refuseAll("BB-J11", List.of(Attack.bearer("zero-p1363", input + Session.b64(new byte[64])),
        Attack.bearer("zero-der", input + Session.b64(HexFormat.of().parseHex("3006020100020100"))),
        Attack.bearer("r=s=n", input + Session.b64(rsN))));
  }

  private static void time(Session s) throws Exception {
    long now = Instant.now().getEpochSecond();
    List<Attack> out = new ArrayList<>();
    out.add(ext(s, "expired", Map.of("iat", now - 900, "exp", now - 600)));
    out.add(ext(s, "nbf-future", Map.of("nbf", now + 3600)));
    out.add(ext(s, "nbf-max", Map.of("nbf", Long.MAX_VALUE)));
    out.add(ext(s, "iat-future", Map.of("iat", now + 3600, "exp", now + 4000)));
    out.add(ext(s, "lifetime-30d", Map.of("exp", now + 30L * 86400)));
    Map<String, Object> noExp = s.externalClaims();
    noExp.remove("exp");
    out.add(Attack.bearer("exp-missing", s.external(s.externalHeader(), noExp)));
    Map<String, Object> noIat = s.externalClaims();
    noIat.remove("iat");
    out.add(Attack.bearer("iat-missing", s.external(s.externalHeader(), noIat)));
    Map<String, Object> valid = s.externalClaims();
    String claims = Session.json(valid);
    String exp = "\"exp\":" + valid.get("exp");
    String header = Session.json(s.externalHeader());
    out.add(Attack.bearer("exp-float", s.externalRaw(header, replaceOnce(claims, exp, exp + ".5"))));
    out.add(Attack.bearer("exp-string", s.externalRaw(header,
        replaceOnce(claims, exp, "\"exp\":\"" + valid.get("exp") + "\""))));
    out.add(Attack.bearer("exp-huge", s.externalRaw(header, replaceOnce(claims, exp, "\"exp\":99999999999999999999"))));
    s.refuseAll("BB-J12", out);
  }

  private static void audience(Session s) throws Exception {
    List<Attack> out = new ArrayList<>();
    Map<String, Object> missing = s.externalClaims();
    missing.remove("aud");
    out.add(Attack.bearer("aud-missing", s.external(s.externalHeader(), missing)));
    String aud = s.audience();
    for (Object value : List.of("other-service", "", aud.toUpperCase(java.util.Locale.ROOT), aud + "/",
        List.of("other-service", aud))) {
      out.add(ext(s, "aud-" + out.size(), Map.of("aud", value)));
    }
    s.refuseAll("BB-J13", out);
  }

  private static void issuer(Session s) throws Exception {
    s.refuseAll("BB-J14", List.of(ext(s, "external-key-claims-target-issuer", Map.of("iss", s.tokenIssuer())),
        ext(s, "iss-unknown", Map.of("iss", "https://unknown-" + s.runId + ".invalid"))));
  }

  private static void type(Session s) throws Exception {
    List<Attack> out = new ArrayList<>();
    for (Object typ : new Object[] {null, "JWT", "id_token+jwt", "AT+JWT-x"}) {
      Map<String, Object> h = s.externalHeader();
      if (typ == null) {
        h.remove("typ");
      } else {
        h.put("typ", typ);
      }
      out.add(Attack.bearer("typ-" + typ, s.external(h, s.externalClaims())));
    }
    s.refuseAll("BB-J15", out);
  }

  private static void claimTypes(Session s) throws Exception {
    List<Attack> out = new ArrayList<>();
    Map<String, Object> cases = new LinkedHashMap<>();
    cases.put("sub", 123);
    cases.put("scp", 5);
    cases.put("ws", List.of(s.workspace));
    cases.put("exp", true);
    cases.put("aud", Map.of("x", 1));
    cases.put("iss", false);
    for (Map.Entry<String, Object> e : cases.entrySet()) {
      out.add(ext(s, e.getKey() + "-as-" + e.getValue().getClass().getSimpleName(), Map.of(e.getKey(), e.getValue())));
    }
    Map<String, Object> nullIat = s.externalClaims();
    nullIat.put("iat", null);
    out.add(Attack.bearer("iat-null", s.external(s.externalHeader(), nullIat)));
    s.refuseAll("BB-J16", out);
  }

  private static void duplicates(Session s) throws Exception {
    String header = Session.json(s.externalHeader());
    String claims = Session.json(s.externalClaims());
    String dupAlg = replaceOnce(header, "{\"alg\":\"RS256\"", "{\"alg\":\"RS256\",\"alg\":\"none\"");
    String dupSub = replaceOnce(claims, "{", "{\"sub\":\"someone-else\",");
    String dupWs = replaceOnce(claims, "{", "{\"ws\":\"00000000-0000-0000-0000-000000000000\",");
    String valid = s.external(s.externalHeader(), s.externalClaims());
    String[] p = valid.split("\\.");
    String polyglot = "{\"payload\":\"" + p[1] + "\",\"protected\":\"" + p[0] + "\",\"signature\":\"" + p[2] + "\"}";
    s.refuseAll("BB-J17", List.of(Attack.bearer("dup-alg", s.externalRaw(dupAlg, claims)),
        Attack.bearer("dup-sub", s.externalRaw(header, dupSub)),
        Attack.bearer("dup-ws", s.externalRaw(header, dupWs)),
        Attack.bearer("polyglot-json", polyglot),
        Attack.bearer("polyglot-compact-in-json", Session.b64(polyglot) + "." + p[1] + "." + p[2])));
  }

  private static void sizes(Session s) throws Exception {
    String[] p = s.token.split("\\.");
    StringBuilder manyAud = new StringBuilder("[");
    for (int i = 0; i < 10_000; i++) {
      manyAud.append(i == 0 ? "" : ",").append("\"a").append(i).append('"');
    }
    manyAud.append(']');
    String claims = Session.json(s.tokenClaims);
    s.refuseAll("BB-J18", List.of(
        Attack.bearer("big-header", Session.b64("{\"alg\":\"" + alg(s) + "\",\"kid\":\"" + "k".repeat(9000)
            + "\",\"typ\":\"at+jwt\"}") + "." + p[1] + "." + p[2]),
        Attack.bearer("deep-nesting", p[0] + "." + Session.b64("{\"x\":" + "[".repeat(3000) + "]".repeat(3000) + "}")
            + "." + p[2]),
        Attack.bearer("aud-10k", p[0] + "." + Session.b64(claims.replaceFirst("\"aud\":(\"[^\"]*\"|\\[[^\\]]*\\])",
            "\"aud\":" + manyAud)) + "." + p[2]),
        Attack.bearer("two-segments", p[0] + "." + p[1]),
        Attack.bearer("four-segments", s.token + ".x"),
        Attack.bearer("six-segments", s.token + ".x.y.z"),
        Attack.bearer("non-base64url", p[0] + "." + p[1] + "+/." + p[2]),
        Attack.bearer("padding", p[0] + "==." + p[1] + "." + p[2]),
        Attack.bearer("trailing", s.token + " trailing")));
  }

  private static void jwe(Session s) throws Exception {
    String enc = Session.b64("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\",\"kid\":\"" + s.kid() + "\"}");
    String pbes = Session.b64("{\"alg\":\"PBES2-HS256+A128KW\",\"enc\":\"A128GCM\",\"p2c\":2000000000,"
        + "\"p2s\":\"c2FsdHNhbHQ\"}");
    String zip = Session.b64("{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"zip\":\"DEF\"}");
    String rsa15 = Session.b64("{\"alg\":\"RSA1_5\",\"enc\":\"A128CBC-HS256\"}");
    s.refuseAll("BB-J19", List.of(Attack.bearer("jwe", enc + ".YQ.YQ.YQ.YQ"),
        Attack.bearer("pbes2", pbes + ".YQ.YQ.YQ.YQ"), Attack.bearer("zip", zip + "..YQ.YQ.YQ"),
        Attack.bearer("rsa1_5", rsa15 + ".YQ.YQ.YQ.YQ"),
        Attack.bearer("enc-in-jws", Session.b64("{\"alg\":\"" + alg(s) + "\",\"enc\":\"A128GCM\",\"kid\":\"" + s.kid()
            + "\",\"typ\":\"at+jwt\"}") + "." + payload64(s) + "." + sig(s))));
  }

  private static void crit(Session s) throws Exception {
    Map<String, Object> critical = s.externalHeader();
    critical.put("crit", List.of("x-unknown"));
    critical.put("x-unknown", 1);
    Map<String, Object> b64 = s.externalHeader();
    b64.put("b64", false);
    b64.put("crit", List.of("b64"));
    Map<String, Object> cty = s.externalHeader();
    cty.put("cty", "JWT");
    s.refuseAll("BB-J20", List.of(Attack.bearer("crit", s.external(critical, s.externalClaims())),
        Attack.bearer("b64-false", s.external(b64, s.externalClaims())),
        Attack.bearer("cty-jwt", s.external(cty, s.externalClaims()))));
  }

  private static void reflected(Session s) throws Exception {
    ObjectNode canaryClaims = s.tokenClaims.deepCopy();
    canaryClaims.put("sub", s.canary).put("workspace", s.canary).put("scope", s.canary);
    String[] p = s.token.split("\\.");
    long now = Instant.now().getEpochSecond();
    s.refuseAll("BB-J21", List.of(
        Attack.bearer("canary-unsigned", p[0] + "." + Session.b64(Session.json(canaryClaims)) + "." + p[2]),
        ext(s, "canary-expired", Map.of("sub", s.canary, "ws", s.canary, "iat", now - 900, "exp", now - 600)),
        ext(s, "canary-wrong-audience", Map.of("sub", s.canary, "aud", s.canary))));
  }

  private static void outbound(Session s) throws Exception {
    String url = s.callbackUrl("/claim");
    s.refuseAll("BB-J22", List.of(ext(s, "iss-url", Map.of("iss", url)),
        ext(s, "claim-urls", Map.of("jku", url, "x5u", url, "iss", url, "aud", url))));
  }

  private static void revoked(Session s) throws Exception {
    JsonNode minted = s.mint("gate-revoked-" + s.runId, "5m");
    String revoked = minted.path("token").asText();
    Reply before = s.probe("Bearer " + revoked, "", "control-BB-J23");
    if (!before.ok()) {
      throw new CaseFailed("BB-J23: a freshly minted token was refused (" + before.status() + ")");
    }
    s.target.adminPost("/admin/v1/tokens/revoke", Deployment.JSON.createObjectNode()
        .put("jti", minted.path("jti").asText()).put("reason", "gatehouse-gate revocation check"));
    // Revocation reaches other nodes through the database's change feed within about a second.
    long deadline = System.nanoTime() + 3_000_000_000L;
    Reply after = s.probe("Bearer " + revoked, "", "attack-BB-J23-revoked");
    while (after.ok() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      after = s.probe("Bearer " + revoked, "", "attack-BB-J23-revoked");
    }
    List<String> problems = new ArrayList<>(s.refusalProblems("revoked", after));
    Reply query = s.probe(null, "access_token=" + s.token, "attack-BB-J23-query");
    problems.addAll(s.refusalProblems("query-token", query));
    Session.fail("BB-J23", problems);
    s.controls("BB-J23");
  }

  private static void weakKeys(Session s) throws Exception {
    Session.Issuer issuer = s.requireIssuer();
    Map<String, Object> weak = s.externalHeader();
    weak.put("kid", issuer.weakKey().getKeyID());
    Map<String, Object> oct = s.externalHeader();
    oct.put("kid", issuer.octKey().getKeyID());
    oct.put("alg", "HS256");
    Map<String, Object> octAsRs = s.externalHeader();
    octAsRs.put("kid", issuer.octKey().getKeyID());
    String claims = Session.json(s.externalClaims());
    s.refuseAll("BB-J24", List.of(
        Attack.bearer("rsa-1024", Session.rs256(Session.json(weak), claims, issuer.weakKey(), true)),
        Attack.bearer("oct", Session.hs256(Session.json(oct), claims, issuer.octKey().toByteArray())),
        Attack.bearer("oct-as-rs256", Session.hs256(Session.json(octAsRs), claims, issuer.octKey().toByteArray()))));
  }

  // ------------------------------------------------------------------ token parts and signing

  /** Replaces {@code what}, which must occur, so that a builder slip cannot turn an attack into a valid token. */
  private static String replaceOnce(String text, String what, String with) {
    if (!text.contains(what)) {
      throw new IllegalStateException("attack builder: '" + what + "' not found");
    }
    return text.replace(what, with);
  }

  /** A valid external-issuer token with some claims replaced. */
  private static Attack ext(Session s, String name, Map<String, Object> changes) throws Exception {
    Map<String, Object> claims = s.externalClaims();
    claims.putAll(changes);
    return Attack.bearer(name, s.external(s.externalHeader(), claims));
  }

  private static Map<String, Object> header(String alg, String kid) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("alg", alg);
    h.put("kid", kid);
    h.put("typ", "at+jwt");
    return h;
  }

  static String hdr(String alg, String kid) throws Exception {
    return Session.json(header(alg, kid));
  }

  private static String alg(Session s) {
    return s.tokenHeader.path("alg").asText();
  }

  private static String payload(Session s) throws Exception {
    return Session.json(s.tokenClaims);
  }

  private static String payload64(Session s) {
    return s.token.split("\\.")[1];
  }

  private static String sig(Session s) {
    return s.token.split("\\.")[2];
  }

  private static String signingInput(String token) {
    return token.substring(0, token.lastIndexOf('.') + 1);
  }

  private static String es256(String headerJson, String claimsJson, ECKey key) throws Exception {
    String input = Session.b64(headerJson) + "." + Session.b64(claimsJson);
    return input + "." + new ECDSASigner(key).sign(new JWSHeader(JWSAlgorithm.ES256),
        input.getBytes(StandardCharsets.US_ASCII));
  }
}
