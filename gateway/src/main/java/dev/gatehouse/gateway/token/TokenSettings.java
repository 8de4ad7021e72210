package dev.gatehouse.gateway.token;

import com.nimbusds.jose.JOSEObjectType;
import java.time.Duration;
import java.util.Objects;

/**
 * How Gatehouse issues its own access tokens (configuration keys {@code tokens.issuer},
 * {@code tokens.audience}, {@code tokens.maxTtl}).
 *
 * @param issuer   the {@code iss} of every token Gatehouse signs, and the only issuer whose tokens
 *                 may carry the admin-plane scope
 * @param audience the {@code aud} of every token Gatehouse signs and the audience it accepts
 * @param maxTtl   the longest lifetime a token may be minted with; tokens claiming a longer
 *                 lifetime ({@code exp - iat}) are refused at verification too
 */
public record TokenSettings(String issuer, String audience, Duration maxTtl) {

  public static final String DEFAULT_ISSUER = "urn:gatehouse";
  public static final String DEFAULT_AUDIENCE = "urn:gatehouse:runtime";
  public static final Duration DEFAULT_MAX_TTL = Duration.ofHours(24);
  /** Lifetime of a minted token when the request names none (capped at {@code maxTtl}). */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);
  /** Clock skew tolerated on {@code exp}, {@code iat} and {@code nbf}. */
  public static final Duration LEEWAY = Duration.ofSeconds(30);
  /** The {@code typ} header of access tokens (RFC 9068). */
  public static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");
  /** Claim holding the workspace id. */
  public static final String WORKSPACE_CLAIM = "workspace";
  /** Claim holding the space-separated scopes (RFC 9068 / RFC 8693 {@code scope}). */
  public static final String SCOPE_CLAIM = "scope";

  public TokenSettings {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    if (maxTtl.isNegative() || maxTtl.isZero()) {
      throw new IllegalArgumentException("maxTtl must be positive");
    }
  }

  public static TokenSettings defaults() {
    return new TokenSettings(DEFAULT_ISSUER, DEFAULT_AUDIENCE, DEFAULT_MAX_TTL);
  }
}
