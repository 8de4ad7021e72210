package dev.gatehouse.gateway.authn;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The claim checks every token passes after its signature verified, for one issuer:
 * <ul>
 *   <li>{@code iss} equals the issuer; {@code aud} is exactly the audience (a string, or an array
 *       holding only it: a token meant for several services is refused);</li>
 *   <li>{@code sub}, {@code jti} and the workspace claim are non-empty strings; the workspace claim
 *       is a UUID ({@link WorkspaceClaim}, canonicalized to lower case); the scope claim is a
 *       space-separated string or an array of strings;</li>
 *   <li>{@code exp} and {@code iat} are integers (NumericDate without fraction), {@code nbf} too if
 *       present; {@code now < exp + leeway}, {@code iat <= now + leeway}, {@code nbf <= now + leeway};
 *       {@code 0 < exp - iat <= maxLifetime}.</li>
 * </ul>
 * Anything else (a wrong type, a missing claim) is a rejection; no claim value reaches a
 * rejection reason.
 */
record ClaimRules(String issuer, String audience, String workspaceClaim, String scopeClaim, Duration maxLifetime,
    Duration leeway) {

  static final int MAX_STRING = 256;
  static final int MAX_SCOPES = 64;

  AuthnResult check(Map<String, Object> claims, Instant now) {
    if (!issuer.equals(claims.get("iss"))) {
      return AuthnResult.rejected("bad_issuer");
    }
    Object aud = claims.get("aud");
    boolean audienceOk = audience.equals(aud)
        || (aud instanceof List<?> list && list.size() == 1 && audience.equals(list.get(0)));
    if (!audienceOk) {
      return AuthnResult.rejected("bad_audience");
    }
    String subject = string(claims.get("sub"));
    String jti = string(claims.get("jti"));
    String workspaceText = string(claims.get(workspaceClaim));
    if (subject == null || jti == null || workspaceText == null) {
      return AuthnResult.rejected("missing_claim");
    }
    var workspace = WorkspaceClaim.canonical(workspaceText);
    if (workspace.isEmpty()) {
      return AuthnResult.rejected("bad_workspace_claim");
    }
    Set<String> scopes = scopes(claims.get(scopeClaim));
    if (scopes == null) {
      return AuthnResult.rejected("bad_scope_claim");
    }
    Long exp = seconds(claims.get("exp"));
    Long iat = seconds(claims.get("iat"));
    if (exp == null || iat == null || (claims.containsKey("nbf") && seconds(claims.get("nbf")) == null)) {
      return AuthnResult.rejected("bad_time_claim");
    }
    long nowSeconds = now.getEpochSecond();
    long skew = leeway.toSeconds();
    if (nowSeconds >= exp + skew) {
      return AuthnResult.rejected("expired");
    }
    if (iat > nowSeconds + skew) {
      return AuthnResult.rejected("issued_in_future");
    }
    if (claims.containsKey("nbf") && seconds(claims.get("nbf")) > nowSeconds + skew) {
      return AuthnResult.rejected("not_yet_valid");
    }
    if (exp <= iat || exp - iat > maxLifetime.toSeconds()) {
      return AuthnResult.rejected("lifetime_too_long");
    }
    return new AuthnResult.Authenticated(
        new Principal(subject, workspace.get(), scopes, jti, Instant.ofEpochSecond(iat), Instant.ofEpochSecond(exp),
            issuer));
  }

  private static String string(Object value) {
    return value instanceof String s && !s.isEmpty() && s.length() <= MAX_STRING ? s : null;
  }

  /** Seconds since the epoch, or null unless an integer in a sane range (not a float, string or huge value). */
  private static Long seconds(Object value) {
    return value instanceof Long l && l >= 0 && l < 1L << 40 ? l : null;
  }

  private static Set<String> scopes(Object value) {
    List<?> items;
    if (value instanceof String s) {
      items = s.isEmpty() ? List.of() : List.of(s.split(" ", -1));
    } else if (value instanceof List<?> list) {
      items = list;
    } else {
      return null;
    }
    if (items.size() > MAX_SCOPES) {
      return null;
    }
    Set<String> out = new HashSet<>();
    for (Object item : items) {
      if (!(item instanceof String scope) || scope.isEmpty() || scope.length() > MAX_STRING
          || scope.chars().anyMatch(c -> c <= 0x20 || c >= 0x7F)) {
        return null;
      }
      out.add(scope);
    }
    return out;
  }
}
