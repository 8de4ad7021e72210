package dev.gatehouse.gateway.isolation;

import dev.gatehouse.gateway.errors.ErrorBody;

/**
 * An isolation rule refused the request: {@code error} is what the client sees, {@code reason}
 * the stable audit key. Carried as a failed future's cause inside the stage; no stack trace.
 */
final class Refusal extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorBody error;
  private final String reason;

  private Refusal(ErrorBody error, String reason) {
    super(reason, null, false, false);
    this.error = error;
    this.reason = reason;
  }

  static Refusal notFound(String reason) {
    return new Refusal(ErrorBody.NOT_FOUND, reason);
  }

  static Refusal forbidden(String reason) {
    return new Refusal(ErrorBody.FORBIDDEN, reason);
  }

  static Refusal badRequest(String reason) {
    return new Refusal(ErrorBody.BAD_REQUEST, reason);
  }

  static Refusal tooLarge(String reason) {
    return new Refusal(ErrorBody.PAYLOAD_TOO_LARGE, reason);
  }

  ErrorBody error() {
    return error;
  }

  String reason() {
    return reason;
  }
}
