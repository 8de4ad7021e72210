package dev.gatehouse.gateway.authn;

import java.time.Instant;
import java.util.Set;

/**
 * Who a verified token speaks for: built only by {@link TokenVerifier} after the signature and
 * every claim rule passed. {@code workspace} is a canonical lower-case UUID, compared exactly, never
 * by prefix or suffix.
 */
public record Principal(String subject, String workspace, Set<String> scopes, String jti, Instant issuedAt,
    Instant expiresAt, String issuer) {

  public Principal {
    scopes = Set.copyOf(scopes);
  }

  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }
}
