package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.errors.ErrorBody;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * {@code GET /admin/v1/openapi.yaml} (full admin only): the OpenAPI 3.1 document describing the
 * admin API, shipped in the jar ({@value #RESOURCE}) and checked against the mounted routes by a
 * test.
 */
public final class OpenApiRoutes implements AdminRoutes {

  static final String PATH = AdminApi.PREFIX + "/openapi.yaml";
  /** The document on the classpath. */
  public static final String RESOURCE = "/openapi/admin-api.yaml";

  private final Buffer document;

  /** Reads the document from the classpath; a build without it is broken. */
  public OpenApiRoutes() {
    try (InputStream in = Objects.requireNonNull(OpenApiRoutes.class.getResourceAsStream(RESOURCE), RESOURCE)) {
      document = Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void mount(Router router) {
    router.get(PATH).handler(this::serve);
  }

  private void serve(RoutingContext ctx) {
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    if (access == null || !access.full()) {
      AdminReplies.error(ctx, ErrorBody.FORBIDDEN);
      return;
    }
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, ErrorBody.NO_STORE)
        .end(document);
  }
}
