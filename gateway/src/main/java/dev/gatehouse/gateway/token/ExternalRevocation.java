package dev.gatehouse.gateway.token;

import java.time.Instant;

/**
 * A revocation of tokens Gatehouse did not issue: one token of an external issuer by its
 * {@code jti}, or every token of an issuer's subject whose {@code iat} is at or before
 * {@code revokedAt}. It is kept until {@code expiresAt}, when no token it covers can still be valid.
 */
public record ExternalRevocation(Target target, Instant revokedAt, Instant expiresAt) {

  /** What is revoked: an issuer's token id or an issuer's subject. */
  public record Target(String issuer, Kind kind, String value) {

    public static Target jti(String issuer, String jti) {
      return new Target(issuer, Kind.JTI, jti);
    }

    public static Target subject(String issuer, String subject) {
      return new Target(issuer, Kind.SUBJECT, subject);
    }
  }

  /** Which claim {@link Target#value()} is compared with. */
  public enum Kind { JTI, SUBJECT }

  /** Of two revocations of one target, the one that covers more. */
  static ExternalRevocation later(ExternalRevocation a, ExternalRevocation b) {
    return new ExternalRevocation(a.target(), max(a.revokedAt(), b.revokedAt()), max(a.expiresAt(), b.expiresAt()));
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
