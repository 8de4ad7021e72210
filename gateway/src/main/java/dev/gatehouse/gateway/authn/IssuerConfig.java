package dev.gatehouse.gateway.authn;

import com.nimbusds.jose.JWSAlgorithm;
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
 */
public record IssuerConfig(String iss, URI jwksUrl, String audience, String workspaceClaim, String scopeClaim,
    Set<String> allowedAlgs) {

  public static final Set<String> SUPPORTED_ALGS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
      "ES256", "ES384", "ES512", "EdDSA");
  static final int MAX_FIELD = 512;

  public IssuerConfig {
    allowedAlgs = Set.copyOf(allowedAlgs);
  }

  boolean allows(JWSAlgorithm alg) {
    return allowedAlgs.contains(alg.getName());
  }

  /** Parses and validates an admin request body; empty if any field is missing or invalid. */
  public static Optional<IssuerConfig> fromJson(JsonObject json) {
    try {
      String iss = field(json, "iss");
      String audience = field(json, "audience");
      String workspaceClaim = field(json, "workspaceClaim");
      String scopeClaim = field(json, "scopeClaim");
      URI url = URI.create(field(json, "jwksUrl"));
      JsonArray algs = json.getJsonArray("allowedAlgs");
      if (iss == null || audience == null || workspaceClaim == null || scopeClaim == null || algs == null
          || algs.isEmpty() || !safeUrl(url)) {
        return Optional.empty();
      }
      Set<String> allowed = new TreeSet<>();
      for (Object alg : algs) {
        if (!(alg instanceof String s) || !SUPPORTED_ALGS.contains(s)) {
          return Optional.empty();
        }
        allowed.add(s);
      }
      return Optional.of(new IssuerConfig(iss, url, audience, workspaceClaim, scopeClaim, allowed));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
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
        .put("allowedAlgs", new JsonArray(List.copyOf(new TreeSet<>(allowedAlgs))));
  }
}
