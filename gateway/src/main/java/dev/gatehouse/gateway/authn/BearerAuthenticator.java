package dev.gatehouse.gateway.authn;

import dev.gatehouse.gateway.errors.ErrorBody;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code authenticate} stage: a request passes only with a verified bearer token; its
 * {@link Principal} is then available as {@link #PRINCIPAL} on the routing context. No token is
 * 401, a refused token is 401, a broken dependency is 503; every body is generic. The request is
 * paused while verification runs, so no body byte moves before the decision.
 */
public final class BearerAuthenticator implements Handler<RoutingContext> {

  /** Routing-context key of the authenticated {@link Principal}. */
  public static final String PRINCIPAL = "gatehouse.principal";

  private static final Logger LOG = LoggerFactory.getLogger(BearerAuthenticator.class);

  private final TokenVerifier verifier;

  public BearerAuthenticator(TokenVerifier verifier) {
    this.verifier = verifier;
  }

  /** Authenticates one request; a failed future means "broken" (deny with 503). */
  public Future<AuthnResult> authenticate(HttpServerRequest request) {
    BearerCredentials.Extracted extracted = BearerCredentials.extract(request);
    if (extracted.token().isEmpty()) {
      return Future.succeededFuture(extracted.result());
    }
    return verifier.verify(extracted.token().get());
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause();
    authenticate(request).onComplete(outcome -> {
      if (outcome.succeeded() && outcome.result() instanceof AuthnResult.Authenticated authenticated) {
        ctx.put(PRINCIPAL, authenticated.principal());
        ctx.next();
        request.resume();
      } else {
        deny(ctx.response(), outcome.succeeded() ? outcome.result() : null, outcome.cause());
      }
    });
  }

  /** Writes the generic denial for a result that is not {@code Authenticated} (or a failure). */
  public static void deny(HttpServerResponse response, AuthnResult result, Throwable failure) {
    ErrorBody error;
    String reason;
    if (result instanceof AuthnResult.Rejected rejected) {
      error = rejected.rejection().error();
      reason = rejected.rejection().reason();
    } else if (result instanceof AuthnResult.NotApplicable) {
      error = ErrorBody.UNAUTHORIZED;
      reason = "no_credentials";
    } else {
      error = ErrorBody.SERVICE_UNAVAILABLE;
      reason = "authn_unavailable:" + (failure == null ? "unknown" : failure.getClass().getSimpleName());
    }
    LOG.info("authentication denied: reason={}", reason);
    error.prepare(response);
    if (error == ErrorBody.UNAUTHORIZED) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    response.end(error.body());
  }
}
