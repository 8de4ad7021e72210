package dev.gatehouse.gateway.authn;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.gateway.keys.SigningKeys;
import dev.gatehouse.gateway.token.RevocationState;
import dev.gatehouse.gateway.token.TokenSettings;
import io.vertx.core.Future;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Verifies bearer tokens: Gatehouse's own (keys from {@link SigningKeys}) and those of registered
 * external issuers (keys from their JWKS).
 *
 * <h3>Order of checks</h3>
 * <ol>
 *   <li>Size ({@link BearerCredentials#MAX_TOKEN_CHARS}) and shape (three base64url segments,
 *       no padding) before any parsing.</li>
 *   <li>{@code SignedJWT.parse} only: unsigned and encrypted JWTs never get here.</li>
 *   <li>Header: {@code typ} {@code at+jwt}; a {@code kid}; no {@code jwk}, {@code jku},
 *       {@code x5u}, {@code x5c}, {@code crit}, {@code cty}, {@code b64}, {@code zip}. Gatehouse
 *       tokens may carry only {@code alg kid typ}.</li>
 *   <li>The unverified {@code iss} only selects the key source; an unknown issuer is refused
 *       without any network access.</li>
 *   <li>The key named by {@code kid} decides the algorithm: the header's {@code alg} must equal
 *       it (Gatehouse keys) or be allowed for the issuer and match the key type (external).</li>
 *   <li>Signature, then {@link ClaimRules}; for an external issuer, its grant: the workspace must be
 *       one it may name, and only the scopes it may grant are kept ({@link IssuerConfig#grant}).</li>
 *   <li>Revocation (Gatehouse tokens by jti; external ones by issuer and jti or subject) and
 *       workspace lock.</li>
 * </ol>
 * Verified tokens are cached by hash ({@link VerifiedTokenCache}); every hit re-checks expiry,
 * revocation and lock, that a Gatehouse key still verifies, and for an external token that its
 * issuer is registered unchanged and its key set (refetched every {@code tokens.jwksCacheDuration})
 * still holds the very key that verified it; otherwise the token is verified again or refused.
 *
 * <h3>Outcomes</h3>
 * Rejected: any check fails (reason ids are stable and contain no token content). Broken (failed
 * future): revocation state not current, or an external key set unavailable. Never blocks: the
 * only I/O is the asynchronous JWKS fetch. A signature check is CPU work on the caller's thread:
 * on Java 17 about 0.1 ms for ES256 on the native provider (1-2 ms on the JDK's, see
 * {@code tokens.cryptoProvider}) and 0.2-0.5 ms for EdDSA, against about 2 µs for a cache hit
 * (gateway README, "Performance").
 */
public final class TokenVerifier {

  /** Verified tokens remembered per node. */
  public static final int CACHE_CAPACITY = 10_000;
  static final Pattern KID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
  private static final Set<String> OWN_HEADER_PARAMS = Set.of("alg", "kid", "typ");
  private static final Set<String> FORBIDDEN_HEADER_PARAMS = Set.of("jwk", "jku", "x5u", "x5c", "crit", "cty",
      "b64", "zip", "enc", "epk", "p2s", "p2c");

  private final TokenSettings settings;
  private final SigningKeys keys;
  private final IssuerRegistry issuers;
  private final RevocationState revocations;
  private final Clock clock;
  private final ClaimRules ownRules;
  private final VerifiedTokenCache cache = new VerifiedTokenCache(CACHE_CAPACITY);

  public TokenVerifier(TokenSettings settings, SigningKeys keys, IssuerRegistry issuers, RevocationState revocations,
      Clock clock) {
    this.settings = settings;
    this.keys = keys;
    this.issuers = issuers;
    this.revocations = revocations;
    this.clock = clock;
    this.ownRules = new ClaimRules(settings.issuer(), settings.audience(), TokenSettings.WORKSPACE_CLAIM,
        TokenSettings.SCOPE_CLAIM, settings.maxTtl(), TokenSettings.LEEWAY);
  }

  /** The issuer whose tokens may use the admin-plane scope. */
  public String ownIssuer() {
    return settings.issuer();
  }

  public Future<AuthnResult> verify(String token) {
    if (!revocations.current()) {
      return Future.failedFuture(new IllegalStateException("revocation state is not current"));
    }
    if (token.length() > BearerCredentials.MAX_TOKEN_CHARS || !compactShape(token)) {
      return done("malformed_token");
    }
    String cacheKey = VerifiedTokenCache.key(token);
    var hit = cache.get(cacheKey);
    if (hit.isPresent()) {
      VerifiedTokenCache.Entry entry = hit.get();
      if (entry.source() == null) {
        return Future.succeededFuture(recheck(entry, cacheKey));
      }
      var current = issuers.find(entry.principal().issuer());
      if (current.isPresent() && current.get() == entry.source()) {
        return entry.source().jwks().key(entry.kid()).map(key -> key.isPresent() && key.get().equals(entry.key())
            ? recheck(entry, cacheKey) : dropped(cacheKey, "unknown_kid"));
      }
      // The issuer was removed or changed: verify again under what holds now.
      cache.remove(cacheKey);
    }
    SignedJWT jwt;
    JWSHeader header;
    Map<String, Object> claims;
    try {
      jwt = SignedJWT.parse(token);
      header = jwt.getHeader();
      claims = jwt.getPayload().toJSONObject();
    } catch (ParseException | RuntimeException | StackOverflowError e) {
      return done("malformed_token");
    }
    if (claims == null) {
      return done("malformed_token");
    }
    String headerProblem = headerProblem(header);
    if (headerProblem != null) {
      return done(headerProblem);
    }
    Object iss = claims.get("iss");
    if (settings.issuer().equals(iss)) {
      return Future.succeededFuture(verifyOwn(jwt, header, claims, cacheKey));
    }
    if (!(iss instanceof String issuer)) {
      return done("bad_issuer");
    }
    var external = issuers.find(issuer);
    if (external.isEmpty()) {
      return done("unknown_issuer");
    }
    IssuerRegistry.Registered registered = external.get();
    if (!registered.config().allows(header.getAlgorithm())) {
      return done("algorithm_not_allowed");
    }
    return registered.jwks().key(header.getKeyID()).map(key -> {
      if (key.isEmpty()) {
        return AuthnResult.rejected("unknown_kid");
      }
      var verifier = ExternalKeyVerifiers.forKey(key.get(), header.getAlgorithm(), keys.signatureProvider());
      if (verifier.isEmpty()) {
        return AuthnResult.rejected("algorithm_mismatch");
      }
      IssuerConfig config = registered.config();
      ClaimRules rules = new ClaimRules(config.iss(), config.audience(), config.workspaceClaim(), config.scopeClaim(),
          settings.maxTtl(), TokenSettings.LEEWAY);
      return finish(jwt, verifier.get(), rules, claims, cacheKey,
          principal -> config.grant(principal).map(p -> new VerifiedTokenCache.Entry(p, header.getKeyID(), registered,
              key.get())));
    });
  }

  private AuthnResult verifyOwn(SignedJWT jwt, JWSHeader header, Map<String, Object> claims, String cacheKey) {
    if (!OWN_HEADER_PARAMS.equals(header.getIncludedParams())) {
      return AuthnResult.rejected("unexpected_header");
    }
    var key = keys.verificationKey(header.getKeyID());
    if (key.isEmpty()) {
      return AuthnResult.rejected("unknown_kid");
    }
    if (!key.get().alg().jws().equals(header.getAlgorithm())) {
      return AuthnResult.rejected("algorithm_mismatch");
    }
    return finish(jwt, key.get().verifier(), ownRules, claims, cacheKey,
        principal -> Optional.of(new VerifiedTokenCache.Entry(principal, header.getKeyID(), null, null)));
  }

  /**
   * Signature, claims, then {@code grant}: what the verified principal becomes and which key and
   * issuer it is bound to, or empty when its issuer may not speak for its workspace.
   */
  private AuthnResult finish(SignedJWT jwt, JWSVerifier verifier, ClaimRules rules, Map<String, Object> claims,
      String cacheKey, Function<Principal, Optional<VerifiedTokenCache.Entry>> grant) {
    boolean valid;
    try {
      valid = jwt.verify(verifier);
    } catch (JOSEException | RuntimeException e) {
      valid = false;
    }
    if (!valid) {
      return AuthnResult.rejected("bad_signature");
    }
    AuthnResult result = rules.check(claims, clock.instant());
    if (!(result instanceof AuthnResult.Authenticated authenticated)) {
      return result;
    }
    var granted = grant.apply(authenticated.principal());
    if (granted.isEmpty()) {
      return AuthnResult.rejected("workspace_not_allowed");
    }
    VerifiedTokenCache.Entry entry = granted.get();
    AuthnResult live = liveness(entry);
    if (live != null) {
      return live;
    }
    cache.put(cacheKey, entry);
    return new AuthnResult.Authenticated(entry.principal());
  }

  private AuthnResult dropped(String cacheKey, String reason) {
    cache.remove(cacheKey);
    return AuthnResult.rejected(reason);
  }

  private AuthnResult recheck(VerifiedTokenCache.Entry entry, String cacheKey) {
    Instant deadline = entry.principal().expiresAt().plus(TokenSettings.LEEWAY);
    if (!clock.instant().isBefore(deadline)) {
      cache.remove(cacheKey);
      return AuthnResult.rejected("expired");
    }
    AuthnResult live = liveness(entry);
    if (live != null) {
      cache.remove(cacheKey);
      return live;
    }
    return new AuthnResult.Authenticated(entry.principal());
  }

  /**
   * Null if the token is still good: not revoked, workspace not locked, Gatehouse key still
   * trusted (an external token's issuer and key are checked by the caller).
   */
  private AuthnResult liveness(VerifiedTokenCache.Entry entry) {
    if (entry.source() == null && keys.verificationKey(entry.kid()).isEmpty()) {
      return AuthnResult.rejected("unknown_kid");
    }
    return withdrawn(entry.principal()).map(AuthnResult::rejected).orElse(null);
  }

  /**
   * Why a principal verified earlier no longer stands (its token revoked, by jti or for an external
   * issuer also by subject; its workspace locked; its external issuer removed), or empty. For
   * whatever outlives one request on the strength of a token, such as a browser session.
   */
  public Optional<String> withdrawn(Principal principal) {
    boolean own = settings.issuer().equals(principal.issuer());
    if (!own && !issuers.registered(principal.issuer())) {
      return Optional.of("unknown_issuer");
    }
    if (own ? revocations.isRevoked(principal.jti()) : revocations.isRevokedExternal(principal.issuer(),
        principal.jti(), principal.subject(), principal.issuedAt())) {
      return Optional.of("revoked");
    }
    if (revocations.isLocked(principal.workspace())) {
      return Optional.of("workspace_locked");
    }
    return Optional.empty();
  }

  /**
   * Three non-empty base64url segments ({@code [A-Za-z0-9_-]+}, no padding) joined by two dots.
   * A plain scan rather than a regular expression: it runs on every request, cache hits included,
   * and {@code java.util.regex} spends several microseconds on a 400-character token.
   */
  static boolean compactShape(String token) {
    int dots = 0;
    int segmentLength = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        if (segmentLength == 0 || ++dots > 2) {
          return false;
        }
        segmentLength = 0;
      } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
        segmentLength++;
      } else {
        return false;
      }
    }
    return dots == 2 && segmentLength > 0;
  }

  private static String headerProblem(JWSHeader header) {
    for (String name : header.getIncludedParams()) {
      if (FORBIDDEN_HEADER_PARAMS.contains(name)) {
        return "forbidden_header";
      }
    }
    JOSEObjectType type = header.getType();
    String typ = type == null ? "" : type.getType().toLowerCase(Locale.ROOT);
    if (!typ.equals("at+jwt") && !typ.equals("application/at+jwt")) {
      return "wrong_type";
    }
    if (header.getKeyID() == null || !KID.matcher(header.getKeyID()).matches()) {
      return "bad_kid";
    }
    return null;
  }

  private static Future<AuthnResult> done(String reason) {
    return Future.succeededFuture(AuthnResult.rejected(reason));
  }
}
