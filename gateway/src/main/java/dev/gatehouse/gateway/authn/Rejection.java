package dev.gatehouse.gateway.authn;

import dev.gatehouse.gateway.errors.ErrorBody;

/**
 * A refused credential. The client sees only {@link #error()} (a generic body with a stable key,
 * {@code unauthorized} for every token problem); {@link #reason()} is a stable id for logs and
 * audit, never containing token content.
 */
public record Rejection(ErrorBody error, String reason) {

  static Rejection unauthorized(String reason) {
    return new Rejection(ErrorBody.UNAUTHORIZED, reason);
  }
}
