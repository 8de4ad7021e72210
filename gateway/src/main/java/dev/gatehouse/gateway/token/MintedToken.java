package dev.gatehouse.gateway.token;

/**
 * A freshly minted token and its stored metadata. The token is handed to the caller exactly once
 * and is never stored; {@link #toString()} does not show it.
 */
public record MintedToken(String token, TokenRecord record) {

  @Override
  public String toString() {
    return "MintedToken[jti=" + record.jti() + ", token=redacted]";
  }
}
