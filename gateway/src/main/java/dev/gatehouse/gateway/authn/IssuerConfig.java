package dev.gatehouse.gateway.authn;

import com.nimbusds.jose.JWSAlgorithm;
import dev.gatehouse.gateway.workspace.Scopes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An external token issuer (an OIDC identity provider) whose access tokens Gatehouse accepts.
 *
 * @param iss            exact {@code iss} value
 * @param jwksUrl        where its public keys are; {@code https}, or {@code http} on a loopback host only
 * @param audience       the {@code aud} its tokens must carry (exactly)
 * @param workspaceClaim claim naming the Gatehouse workspace id
 * @param scopeClaim     claim holding scopes (space-separated string or array)
 * @param allowedAlgs    asymmetric algorithms accepted from it ({@link #SUPPORTED_ALGS}); never HS* or none
 * @param allowedWorkspaces the only workspaces its tokens may name (canonical lower-case UUIDs); a
 *                       token naming any other is refused
 * @param allowedScopes  the only scopes its tokens may grant; others a token carries are dropped
 *                       ({@value Scopes#GATEHOUSE_ADMIN} is never grantable)
 */
public record IssuerConfig(String iss, URI jwksUrl, String audience, String workspaceClaim, String scopeClaim,
    Set<String> allowedAlgs, Set<String> allowedWorkspaces, Set<String> allowedScopes) {

  public static final Set<String> SUPPORTED_ALGS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
      "ES256", "ES384", "ES512", "EdDSA");
  static final int MAX_FIELD = 512;
  /** Longest workspace allowlist one issuer may have. */
  static final int MAX_WORKSPACES = 1000;

  public IssuerConfig {
    allowedAlgs = Set.copyOf(allowedAlgs);
    allowedWorkspaces = Set.copyOf(allowedWorkspaces);
    allowedScopes = Set.copyOf(allowedScopes);
  }

  /** The workspace a claim value names (canonical), if this issuer may speak for it. */
  public Optional<String> allowedWorkspace(String claim) {
    return WorkspaceClaim.canonical(claim).filter(allowedWorkspaces::contains);
  }

  boolean allows(JWSAlgorithm alg) {
    return allowedAlgs.contains(alg.getName());
  }

  /**
   * What a verified token of this issuer may do: its principal with only the scopes this issuer may
   * grant, or empty when the token names a workspace this issuer may not speak for.
   */
  Optional<Principal> grant(Principal principal) {
    if (!allowedWorkspaces.contains(principal.workspace())) {
      return Optional.empty();
    }
    Set<String> scopes = new TreeSet<>(principal.scopes());
    scopes.retainAll(allowedScopes);
    return Optional.of(new Principal(principal.subject(), principal.workspace(), scopes, principal.jti(),
        principal.issuedAt(), principal.expiresAt(), principal.issuer()));
  }

  /** Parses and validates an admin request body; empty if any field is missing or invalid. */
  public static Optional<IssuerConfig> fromJson(JsonObject json) {
    try {
      String iss = field(json, "iss");
      String audience = field(json, "audience");
      String workspaceClaim = field(json, "workspaceClaim");
      String scopeClaim = field(json, "scopeClaim");
      URI url = URI.create(field(json, "jwksUrl"));
      Set<String> algs = strings(json.getJsonArray("allowedAlgs"), SUPPORTED_ALGS.size());
      Set<String> workspaces = strings(json.getJsonArray("allowedWorkspaces"), MAX_WORKSPACES);
      Set<String> scopes = strings(json.getJsonArray("allowedScopes"), Scopes.ALL.size());
      if (iss == null || audience == null || workspaceClaim == null || scopeClaim == null || algs == null
          || workspaces == null || scopes == null || !safeUrl(url) || !SUPPORTED_ALGS.containsAll(algs)
          || !scopes.stream().allMatch(IssuerConfig::grantable)) {
        return Optional.empty();
      }
      Set<String> canonical = new TreeSet<>();
      for (String workspace : workspaces) {
        Optional<String> id = WorkspaceClaim.canonical(workspace);
        if (id.isEmpty()) {
          return Optional.empty();
        }
        canonical.add(id.get());
      }
      return Optional.of(new IssuerConfig(iss, url, audience, workspaceClaim, scopeClaim, algs, canonical, scopes));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A scope an external issuer may be allowed to grant: a known one, never the admin plane's. */
  static boolean grantable(String scope) {
    return Scopes.known(scope) && !Scopes.GATEHOUSE_ADMIN.equals(scope);
  }

  /** The distinct strings of a non-empty array of at most {@code max} strings; null otherwise. */
  private static Set<String> strings(JsonArray array, int max) {
    if (array == null || array.isEmpty() || array.size() > max) {
      return null;
    }
    Set<String> out = new TreeSet<>();
    for (Object item : array) {
      if (!(item instanceof String s)) {
        return null;
      }
      out.add(s);
    }
    return out;
  }

  static boolean safeUrl(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    String host = url.getHost();
    if (host == null || url.getUserInfo() != null || url.getFragment() != null) {
      return false;
    }
    boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]");
    return scheme.equals("https") || (scheme.equals("http") && loopback);
  }

  private static String field(JsonObject json, String name) {
    Object value = json.getValue(name);
    return value instanceof String s && !s.isBlank() && s.length() <= MAX_FIELD ? s : null;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("iss", iss)
        .put("jwksUrl", jwksUrl.toString())
        .put("audience", audience)
        .put("workspaceClaim", workspaceClaim)
        .put("scopeClaim", scopeClaim)
        .put("allowedAlgs", new JsonArray(List.copyOf(new TreeSet<>(allowedAlgs))))
        .put("allowedWorkspaces", new JsonArray(List.copyOf(new TreeSet<>(allowedWorkspaces))))
        .put("allowedScopes", new JsonArray(List.copyOf(new TreeSet<>(allowedScopes))));
  }
}
