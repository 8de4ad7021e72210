package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.errors.ErrorBody;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits an admin request only with exactly one {@code Authorization: Bearer <token>} header
 * whose SHA-256 matches a live admin credential. Everything else is 401 with a generic body;
 * a database failure is 503 (fail closed, never "allow").
 */
final class AdminAuthenticator implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(AdminAuthenticator.class);
  /** Longer Authorization values are refused before hashing. */
  static final int MAX_TOKEN_LENGTH = 512;
  private static final String BEARER = "bearer ";

  private final Pool pool;

  AdminAuthenticator(Pool pool) {
    this.pool = pool;
  }

  @Override
  public void handle(RoutingContext ctx) {
    List<String> values = ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION);
    if (values.size() != 1 || !values.get(0).regionMatches(true, 0, BEARER, 0, BEARER.length())
        || values.get(0).length() > BEARER.length() + MAX_TOKEN_LENGTH) {
      reject(ctx, ErrorBody.UNAUTHORIZED);
      return;
    }
    String token = values.get(0).substring(BEARER.length()).trim();
    pool.preparedQuery(
            "SELECT name FROM admin_credentials WHERE token_sha256 = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(Buffer.buffer(TokenHash.sha256(token))))
        .onSuccess(rows -> {
          if (rows.rowCount() == 1) {
            ctx.put("admin.credential", rows.iterator().next().getString("name"));
            ctx.next();
          } else {
            reject(ctx, ErrorBody.UNAUTHORIZED);
          }
        })
        .onFailure(failure -> {
          LOG.warn("admin credential lookup failed: kind={}", failure.getClass().getSimpleName());
          reject(ctx, ErrorBody.SERVICE_UNAVAILABLE);
        });
  }

  private static void reject(RoutingContext ctx, ErrorBody error) {
    var response = ctx.response().setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, ErrorBody.CONTENT_TYPE);
    if (error == ErrorBody.UNAUTHORIZED) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"gatehouse-admin\"");
    }
    response.end(error.body());
  }
}
