package dev.gatehouse.gate.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Everything the cases share for one run against one deployment, all created through the admin
 * API and undone by {@link #close()}: a throwaway workspace, a token minted for it with the probe
 * scope, and (when the target accepts it) a throwaway external issuer whose keys the suite holds,
 * so that tokens that are validly signed yet wrong in one claim can be built without any of the
 * target's private keys.
 */
public final class Session implements AutoCloseable {

  /** Longest an attack may take to be refused (denial-of-service guard). */
  static final Duration BUDGET = Duration.ofSeconds(2);
  /** What an attack may be answered with: malformed, too large, or not authenticated. Never 429. */
  static final List<Integer> REFUSALS = List.of(400, 401, 413, 431);
  static final String MARKER = "X-Gate-Probe";
  /** How long the first request of the suite's workspace may take: a target may start its runtime then. */
  static final Duration WARM_UP = Duration.ofMinutes(2);
  private static final Pattern GENERIC_BODY = Pattern.compile("\\{\\s*\"error\"\\s*:\\s*\"[a-z_]{1,40}\"\\s*}");
  private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger();

  final Deployment target;
  final SuiteOptions options;
  final String canary = "gatecanary" + UUID.randomUUID().toString().replace("-", "");
  final String runId = UUID.randomUUID().toString().substring(0, 8);
  private final Instant startedAt = Instant.now().minusSeconds(2);
  private final Callback callback;
  private final List<String> cleanupProblems = new ArrayList<>();
  private boolean closed;

  String workspace;
  /** The throwaway token and its parts. */
  String token;
  JsonNode tokenHeader;
  JsonNode tokenClaims;
  String tokenJti;
  JsonNode jwks;
  /** Null when the target refused to register the throwaway issuer. */
  Issuer issuer;
  String issuerRefusal = "";

  /** The throwaway external issuer: the suite holds its keys. */
  record Issuer(String iss, RSAKey key, RSAKey weakKey, OctetSequenceKey octKey) {}

  private Session(Deployment target, SuiteOptions options, Callback callback) {
    this.target = target;
    this.options = options;
    this.callback = callback;
  }

  /** Creates the throwaway workspace, token and issuer; throws when the admin API refuses the basics. */
  public static Session open(Deployment target, SuiteOptions options) throws Exception {
    Session s = new Session(target, options, new Callback(options.callbackHost()));
    try {
      s.setUp();
      return s;
    } catch (Exception e) {
      s.close();
      throw e;
    }
  }

  private void setUp() throws Exception {
    ObjectNode ws = Deployment.JSON.createObjectNode().put("name", "gatehouse-gate-" + runId);
    workspace = target.adminPost("/admin/v1/workspaces", ws).path("id").asText();
    JsonNode minted = mint("gate-probe-" + runId, "15m");
    token = minted.path("token").asText();
    tokenJti = minted.path("jti").asText();
    String[] parts = token.split("\\.");
    tokenHeader = Deployment.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
    tokenClaims = Deployment.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    jwks = publishedKeys();
    warmUp();

    RSAKey key = new RSAKeyGenerator(2048).keyID("gate-" + runId).generate();
    RSAKey weak = new RSAKeyGenerator(1024, true).keyID("gate-weak-" + runId).generate();
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    OctetSequenceKey oct = new OctetSequenceKey.Builder(secret).keyID("gate-oct-" + runId).build();
    callback.serveJwks(new JWKSet(List.of(key.toPublicJWK(), weak.toPublicJWK(), oct)).toString(false));
    String iss = "https://gatehouse-gate-" + runId + ".invalid";
    ObjectNode config = Deployment.JSON.createObjectNode().put("iss", iss)
        .put("jwksUrl", callback.url(Callback.JWKS_PATH)).put("audience", audience())
        .put("workspaceClaim", "ws").put("scopeClaim", "scp");
    config.putArray("allowedAlgs").add("RS256");
    config.putArray("allowedWorkspaces").add(workspace);
    config.putArray("allowedScopes").add(options.probeScope());
    Reply registered = target.adminPostReply("/admin/v1/issuers", config);
    if (registered.ok()) {
      issuer = new Issuer(iss, key, weak, oct);
    } else {
      issuerRefusal = "the target refused to register an external issuer whose JWKS is at the suite's callback "
          + "listener (status " + registered.status() + "); an https callback reachable from the target is needed";
    }
  }

  /**
   * Sends the throwaway token once before any case is timed: a target that starts a runtime for a
   * workspace on its first request (dedicated runtimes) answers it slowly, or with 503 and
   * Retry-After while the runtime starts. Waits up to {@link #WARM_UP}; whatever the answer, the
   * cases' own positive controls judge the target.
   */
  private void warmUp() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WARM_UP.toNanos();
    // From an address of the kind the cases use, so the warm-up adds no client network to the token's
    // history (a third network within 30 min revokes it: D05).
    Map<String, String> headers = new LinkedHashMap<>(Map.of(MARKER, "warm-up", "Authorization", "Bearer " + token));
    if (options.varyClientAddress()) {
      headers.put("X-Forwarded-For", freshAddress());
    }
    Reply reply = target.get(options.probePath(), headers, WARM_UP);
    while (reply.status() == 503 && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      reply = target.get(options.probePath(), headers, WARM_UP);
    }
  }

  /** The target's JWKS; an unreadable one is an empty set, which the cases that need it report. */
  private JsonNode publishedKeys() throws IOException, InterruptedException {
    try {
      return Deployment.JSON.readTree(target.get("/.well-known/jwks.json", Map.of()).body());
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      ObjectNode empty = Deployment.JSON.createObjectNode();
      empty.putArray("keys");
      return empty;
    }
  }

  JsonNode mint(String subject, String ttl) throws IOException, InterruptedException {
    ObjectNode body = Deployment.JSON.createObjectNode().put("workspace", workspace).put("subject", subject)
        .put("ttl", ttl);
    body.putArray("scopes").add(options.probeScope());
    return target.adminPost("/admin/v1/tokens", body);
  }

  String audience() {
    JsonNode aud = tokenClaims.path("aud");
    return aud.isArray() ? aud.path(0).asText() : aud.asText();
  }

  String tokenIssuer() {
    return tokenClaims.path("iss").asText();
  }

  String kid() {
    return tokenHeader.path("kid").asText();
  }

  /** A moment shortly before this run's first request, for audit queries. */
  Instant startedAt() {
    return startedAt;
  }

  int attackerHits() {
    return callback.attackerHits();
  }

  String callbackUrl(String path) {
    return callback.url(path);
  }

  Issuer requireIssuer() throws CaseSkipped {
    if (issuer == null) {
      throw new CaseSkipped(issuerRefusal);
    }
    return issuer;
  }

  // ------------------------------------------------------------------ sending

  /** GET the probe path; a fresh client address when configured; a marker the in-process IT can look for. */
  Reply probe(String authorization, String query, String marker) throws IOException, InterruptedException {
    return probe(authorization, query, marker, options.varyClientAddress() ? freshAddress() : null);
  }

  Reply probe(String authorization, String query, String marker, String forwardedFor)
      throws IOException, InterruptedException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(MARKER, marker);
    if (forwardedFor != null) {
      headers.put("X-Forwarded-For", forwardedFor);
    }
    if (authorization != null) {
      headers.put("Authorization", authorization);
    }
    return target.get(options.probePath() + (query.isEmpty() ? "" : "?" + query), headers);
  }

  /**
   * Sends every attack and fails the case unless each is refused by authentication (400, 401, 413
   * or 431) with a generic body, without the canary, within {@link #BUDGET}; and unless no URL
   * was fetched and the positive controls still pass afterwards.
   */
  void refuseAll(String caseId, List<Attack> attacks) throws Exception {
    if (attacks.isEmpty()) {
      throw new CaseFailed(caseId + ": no attack was built");
    }
    int hitsBefore = attackerHits();
    List<String> problems = new ArrayList<>();
    for (Attack attack : attacks) {
      Reply reply = probe(attack.authorization(), attack.query(), "attack-" + caseId + "-" + attack.name());
      problems.addAll(refusalProblems(attack.name(), reply));
    }
    if (attackerHits() != hitsBefore) {
      problems.add("the target fetched an attacker URL named in a token " + (attackerHits() - hitsBefore) + " time(s)");
    }
    fail(caseId, problems);
    controls(caseId);
  }

  List<String> refusalProblems(String name, Reply reply) {
    List<String> problems = new ArrayList<>();
    if (reply.status() == 429) {
      problems.add(name + ": answered 429 by a limiter, so authentication was not exercised (let the target trust "
          + "the suite's address as a proxy, server.trustedProxies)");
    } else if (!REFUSALS.contains(reply.status())) {
      problems.add(name + ": status " + reply.status() + ", expected a refusal (400/401/413/431)");
    }
    if (!genericBody(reply)) {
      problems.add(name + ": the error body is not the generic {\"error\": key}");
    }
    if (reply.body().contains(canary) || reply.headers().map().toString().contains(canary)) {
      problems.add(name + ": a claim of the token was reflected in the response");
    }
    if (reply.took().compareTo(BUDGET) > 0) {
      problems.add(name + ": took " + reply.took().toMillis() + " ms, budget " + BUDGET.toMillis() + " ms");
    }
    return problems;
  }

  static boolean genericBody(Reply reply) {
    if (reply.body().isEmpty()) {
      return reply.status() == 413 || reply.status() == 414 || reply.status() == 431;
    }
    return GENERIC_BODY.matcher(reply.body().trim()).matches();
  }

  /** The positive controls: the throwaway token, and a valid token of the throwaway issuer, are accepted. */
  void controls(String caseId) throws Exception {
    Reply own = probe("Bearer " + token, "", "control-" + caseId);
    if (!own.ok()) {
      throw new CaseFailed(caseId + ": positive control refused: the throwaway token got " + own.status());
    }
    if (issuer != null) {
      Reply external = probe("Bearer " + external(externalHeader(), externalClaims()), "", "control-ext-" + caseId);
      if (!external.ok()) {
        throw new CaseFailed(caseId + ": positive control refused: a valid external-issuer token got "
            + external.status());
      }
    }
  }

  static void fail(String caseId, List<String> problems) throws CaseFailed {
    if (!problems.isEmpty()) {
      int shown = Math.min(problems.size(), 6);
      throw new CaseFailed(caseId + ": " + String.join("; ", problems.subList(0, shown))
          + (problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : ""));
    }
  }

  // ------------------------------------------------------------------ token building

  /** Header of a valid external-issuer token. */
  Map<String, Object> externalHeader() throws CaseSkipped {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("alg", "RS256");
    h.put("kid", requireIssuer().key().getKeyID());
    h.put("typ", "at+jwt");
    return h;
  }

  /** Claims of a valid external-issuer token for the throwaway workspace. */
  Map<String, Object> externalClaims() throws CaseSkipped {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("iss", requireIssuer().iss());
    c.put("aud", audience());
    c.put("sub", "gate-external-" + runId);
    c.put("jti", UUID.randomUUID().toString());
    c.put("iat", now);
    c.put("exp", now + 300);
    c.put("ws", workspace);
    c.put("scp", options.probeScope());
    return c;
  }

  /** Signed RS256 with the throwaway issuer's key over exactly this header and these claims. */
  String external(Map<String, Object> header, Map<String, Object> claims) throws Exception {
    return externalRaw(json(header), json(claims));
  }

  /** Signed RS256 with the throwaway issuer's key over raw JSON text (duplicates, odd types). */
  String externalRaw(String headerJson, String claimsJson) throws Exception {
    return rs256(headerJson, claimsJson, requireIssuer().key(), false);
  }

  static String rs256(String headerJson, String claimsJson, RSAKey key, boolean weak) throws Exception {
    String input = b64(headerJson) + "." + b64(claimsJson);
    RSASSASigner signer = new RSASSASigner(key.toPrivateKey(), weak);
    return input + "." + signer.sign(new JWSHeader(JWSAlgorithm.RS256), input.getBytes(StandardCharsets.US_ASCII));
  }

  /** HS256 over raw JSON with any key bytes; an empty key becomes 64 zero bytes, which HMAC treats alike. */
  static String hs256(String headerJson, String claimsJson, byte[] key) throws Exception {
    String input = b64(headerJson) + "." + b64(claimsJson);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.length == 0 ? new byte[64] : key, "HmacSHA256"));
    return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  static String json(Object value) throws IOException {
    return Deployment.JSON.writeValueAsString(value);
  }

  static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Addresses from 198.18.0.0/15 (benchmarking, never routed). */
  static String freshAddress() {
    int n = NEXT_ADDRESS.incrementAndGet();
    return "198." + (18 + ((n >> 16) & 1)) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
  }

  /** Problems met while undoing the setup (reported, never thrown). */
  public List<String> cleanupProblems() {
    return List.copyOf(cleanupProblems);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (workspace != null) {
      cleanup(() -> target.adminPost("/admin/v1/tokens/revoke", Deployment.JSON.createObjectNode()
          .put("workspace", workspace).put("reason", "gatehouse-gate run finished")));
      cleanup(() -> target.adminPost("/admin/v1/workspaces/" + workspace + "/lock", Deployment.JSON.createObjectNode()));
    }
    if (issuer != null) {
      cleanup(() -> target.adminPost("/admin/v1/issuers/remove", Deployment.JSON.createObjectNode()
          .put("iss", issuer.iss())));
    }
    callback.close();
  }

  private interface Step {
    Object run() throws Exception;
  }

  private void cleanup(Step step) {
    try {
      step.run();
    } catch (Exception e) {
      cleanupProblems.add(e.getMessage());
    }
  }
}
