package dev.gatehouse.gateway.console;

import dev.gatehouse.gateway.admin.AlertRoutes;
import dev.gatehouse.gateway.admin.AuditRoutes;
import dev.gatehouse.gateway.authn.Principal;
import dev.gatehouse.gateway.workspace.Scopes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/**
 * Who is signed in to the console and what they may do, decided from the scopes of the
 * Gatehouse-issued token their session was made from (tokens of external issuers never reach the
 * console, as they never reach the admin API):
 * <ul>
 *   <li>admin: {@value Scopes#GATEHOUSE_ADMIN}; every workspace, triage, suppressions and rules;</li>
 *   <li>security analyst (role {@code security-analyst}): {@value AuditRoutes#READ_SCOPE} and
 *       {@value AlertRoutes#READ_SCOPE} in one workspace; only that workspace's alerts and audit
 *       events, triage with {@value AlertRoutes#WRITE_SCOPE};</li>
 *   <li>anyone else: no console.</li>
 * </ul>
 *
 * @param principal the session's principal
 * @param workspace the only workspace whose data the analyst may see, or null for an admin
 * @param csrf the token every form of this session carries, derived from the secret session id
 */
record Analyst(Principal principal, String workspace, boolean triage, String csrf) {

  /** Routing-context key of the signed-in analyst. */
  static final String KEY = "console.analyst";

  /** The analyst a session's principal is, or empty when it may not use the console. */
  static Optional<Analyst> of(Principal principal, String ownIssuer, String sessionId) {
    if (!ownIssuer.equals(principal.issuer())) {
      return Optional.empty();
    }
    String csrf = csrfToken(sessionId);
    if (principal.hasScope(Scopes.GATEHOUSE_ADMIN)) {
      return Optional.of(new Analyst(principal, null, true, csrf));
    }
    if (principal.workspace() != null && principal.hasScope(AuditRoutes.READ_SCOPE)
        && principal.hasScope(AlertRoutes.READ_SCOPE)) {
      return Optional.of(new Analyst(principal, principal.workspace(), principal.hasScope(AlertRoutes.WRITE_SCOPE),
          csrf));
    }
    return Optional.empty();
  }

  /** Whether the analyst sees every workspace and may change suppressions and rules. */
  boolean admin() {
    return workspace == null;
  }

  /** Whether {@code presented} is this session's form token (constant-time). */
  boolean csrfMatches(String presented) {
    return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.US_ASCII),
        presented.getBytes(StandardCharsets.US_ASCII));
  }

  /** A value only the holder of the session id can compute: SHA-256 over a label and the id. */
  private static String csrfToken(String sessionId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(("gatehouse-console-form:" + sessionId).getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
