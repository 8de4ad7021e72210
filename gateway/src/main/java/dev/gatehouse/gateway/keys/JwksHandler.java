package dev.gatehouse.gateway.keys;

import dev.gatehouse.gateway.errors.ErrorBody;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * Serves {@code GET /.well-known/jwks.json} on the main listener: the public halves of the active
 * and verify-only keys, never a private parameter. Other methods get a generic 404.
 */
public final class JwksHandler implements Handler<HttpServerRequest> {

  public static final String PATH = "/.well-known/jwks.json";
  /** Clients may cache the document this long; a rotated-in key is used at once, so keep it short. */
  static final int MAX_AGE_SECONDS = 60;

  private final SigningKeys keys;

  public JwksHandler(SigningKeys keys) {
    this.keys = keys;
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      ErrorBody.NOT_FOUND.prepare(request.response()).end(ErrorBody.NOT_FOUND.body());
      return;
    }
    request.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/jwk-set+json;charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=" + MAX_AGE_SECONDS)
        .end(keys.jwks().toBuffer());
  }
}
