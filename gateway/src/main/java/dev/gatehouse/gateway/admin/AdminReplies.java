package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.errors.ErrorBody;
import io.vertx.core.AsyncResult;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON answers and request-body reading shared by the admin route classes. */
public final class AdminReplies {

  /** Largest admin request body the admin API's {@code BodyHandler} should accept. */
  public static final long MAX_BODY_BYTES = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(AdminReplies.class);

  private AdminReplies() {}

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, ErrorBody.CONTENT_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, ErrorBody.NO_STORE)
        .end(body.toBuffer());
  }

  static void error(RoutingContext ctx, ErrorBody error) {
    error.prepare(ctx.response()).end(error.body());
  }

  /** A 4xx with a stable key of its own (e.g. {@code conflict}, {@code ttl_too_long}). */
  static void refuse(RoutingContext ctx, int status, String key) {
    json(ctx, status, new JsonObject().put("error", key));
  }

  /** A dependency failed: generic 503, the failure's type logged, never its message. */
  static void unavailable(RoutingContext ctx, Throwable failure) {
    LOG.warn("admin request failed: path={} kind={}", ctx.request().path(), failure.getClass().getSimpleName());
    error(ctx, ErrorBody.SERVICE_UNAVAILABLE);
  }

  /** 201 with the created record, or the generic 503 when creating it failed. */
  static void created(RoutingContext ctx, AsyncResult<JsonObject> created) {
    if (created.failed()) {
      unavailable(ctx, created.cause());
    } else {
      json(ctx, 201, created.result());
    }
  }

  /** 204 when something was removed, 404 when there was nothing to remove, the generic 503 on failure. */
  static void removed(RoutingContext ctx, AsyncResult<Boolean> removed) {
    if (removed.failed()) {
      unavailable(ctx, removed.cause());
    } else if (!removed.result()) {
      error(ctx, ErrorBody.NOT_FOUND);
    } else {
      ctx.response().setStatusCode(204).end();
    }
  }

  /** The JSON object body, or empty (the caller answers 400) if absent or not an object. */
  static Optional<JsonObject> body(RoutingContext ctx) {
    try {
      return ctx.body().length() <= 0 ? Optional.empty() : Optional.ofNullable(ctx.body().asJsonObject());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Who made an admin request, for alert history: the token's subject, or the bootstrap credential. */
  static String actor(RoutingContext ctx) {
    dev.gatehouse.gateway.authn.Principal principal = ctx.get(dev.gatehouse.gateway.authn.BearerAuthenticator.PRINCIPAL);
    return principal != null ? principal.subject() : AdminAudit.BOOTSTRAP_SUBJECT;
  }

  static Optional<UUID> uuid(String text) {
    try {
      return text == null ? Optional.empty() : Optional.of(UUID.fromString(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
