package dev.gatehouse.gateway.authn;

/**
 * The outcome of authenticating one request. A failed {@code Future<AuthnResult>} is the third
 * outcome, "broken" (a dependency failed): it always means deny with 503.
 */
public sealed interface AuthnResult {

  /** No bearer token was presented: another authenticator may try; alone it means 401. */
  record NotApplicable() implements AuthnResult {}

  /** A token was presented and verified. */
  record Authenticated(Principal principal) implements AuthnResult {}

  /** A token was presented and refused. */
  record Rejected(Rejection rejection) implements AuthnResult {}

  AuthnResult NOT_APPLICABLE = new NotApplicable();

  static AuthnResult rejected(String reason) {
    return new Rejected(Rejection.unauthorized(reason));
  }
}
