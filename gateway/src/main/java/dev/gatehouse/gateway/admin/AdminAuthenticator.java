package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.authn.AuthnResult;
import dev.gatehouse.gateway.authn.BearerAuthenticator;
import dev.gatehouse.gateway.authn.BearerCredentials;
import dev.gatehouse.gateway.authn.Principal;
import dev.gatehouse.gateway.authn.TokenVerifier;
import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.gateway.workspace.Scopes;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits an admin request only with exactly one {@code Authorization: Bearer <token>} header
 * carrying either
 * <ul>
 *   <li>an opaque admin credential (the bootstrap token) whose SHA-256 matches a live row of
 *       {@code admin_credentials}, or</li>
 *   <li>a JWT that {@link TokenVerifier} accepts, issued by Gatehouse itself (never by an external
 *       issuer) and carrying the scope {@value Scopes#GATEHOUSE_ADMIN}, or</li>
 *   <li>for {@code GET /admin/v1/audit} only (the exact normalized path the router matches), such
 *       a JWT carrying {@value AuditRoutes#READ_SCOPE} and bound to a workspace: it may search that
 *       workspace's audit events and nothing else;</li>
 *   <li>for the alert routes ({@code /admin/v1/alerts} and below) only, such a JWT bound to a
 *       workspace carrying {@value AlertRoutes#READ_SCOPE} (GET) or {@value AlertRoutes#WRITE_SCOPE}
 *       (GET and POST): it sees and changes that workspace's alerts and nothing else;</li>
 *   <li>for {@code GET /admin/v1/metrics} only, such a JWT bound to a workspace carrying
 *       {@value MetricsRoutes#READ_SCOPE}: a scraper, admitted as {@link Access#metricsReader}.</li>
 * </ul>
 * What was admitted is put on the routing context as an {@link Access} under {@link #ACCESS}.
 * Mount a {@code BodyHandler} before this handler (admin bodies are small and buffered whole, so
 * nothing is lost while the credential is checked). Everything else is 401 with a generic body; a
 * database or verifier failure is 503 (fail closed, never "allow").
 */
public final class AdminAuthenticator implements Handler<RoutingContext> {

  /** Routing-context key of the admitted caller's {@link Access}. */
  public static final String ACCESS = "admin.access";

  private static final Logger LOG = LoggerFactory.getLogger(AdminAuthenticator.class);
  /** Longer Authorization values are refused before hashing. */
  static final int MAX_TOKEN_LENGTH = 512;
  private static final String BEARER = "bearer ";

  private final Pool pool;
  private final Optional<TokenVerifier> verifier;

  AdminAuthenticator(Pool pool) {
    this.pool = pool;
    this.verifier = Optional.empty();
  }

  /** Also accepts Gatehouse-issued JWTs with the admin-plane scope. */
  public AdminAuthenticator(Pool pool, TokenVerifier verifier) {
    this.pool = pool;
    this.verifier = Optional.of(verifier);
  }

  @Override
  public void handle(RoutingContext ctx) {
    List<String> values = ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION);
    if (values.size() != 1 || !values.get(0).regionMatches(true, 0, BEARER, 0, BEARER.length())
        || values.get(0).length() > BEARER.length() + BearerCredentials.MAX_TOKEN_CHARS) {
      reject(ctx, ErrorBody.UNAUTHORIZED);
      return;
    }
    String token = values.get(0).substring(BEARER.length()).trim();
    if (token.chars().filter(c -> c == '.').count() == 2 && verifier.isPresent()) {
      verifyJwt(ctx, token);
      return;
    }
    if (token.length() > MAX_TOKEN_LENGTH) {
      reject(ctx, ErrorBody.UNAUTHORIZED);
      return;
    }
    pool.preparedQuery(
            "SELECT name FROM admin_credentials WHERE token_sha256 = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(Buffer.buffer(TokenHash.sha256(token))))
        .onSuccess(rows -> {
          if (rows.rowCount() == 1) {
            ctx.put("admin.credential", rows.iterator().next().getString("name"));
            ctx.put(ACCESS, Access.FULL);
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

  private void verifyJwt(RoutingContext ctx, String token) {
    TokenVerifier jwt = verifier.orElseThrow();
    jwt.verify(token).onComplete(outcome -> {
      if (outcome.failed()) {
        LOG.warn("admin token verification unavailable: kind={}", outcome.cause().getClass().getSimpleName());
        reject(ctx, ErrorBody.SERVICE_UNAVAILABLE);
        return;
      }
      Access access = outcome.result() instanceof AuthnResult.Authenticated authenticated
          && jwt.ownIssuer().equals(authenticated.principal().issuer())
          ? access(ctx, authenticated.principal()) : null;
      if (access == null) {
        reject(ctx, ErrorBody.UNAUTHORIZED);
        return;
      }
      Principal principal = ((AuthnResult.Authenticated) outcome.result()).principal();
      ctx.put("admin.credential", "token:" + principal.jti());
      ctx.put(BearerAuthenticator.PRINCIPAL, principal);
      ctx.put(ACCESS, access);
      ctx.next();
    });
  }

  /** What a Gatehouse-issued token may do on this request, or null (refuse). */
  private static Access access(RoutingContext ctx, Principal principal) {
    if (principal.hasScope(Scopes.GATEHOUSE_ADMIN)) {
      return Access.FULL;
    }
    if (principal.hasScope(AuditRoutes.READ_SCOPE) && principal.workspace() != null
        && ctx.request().method() == HttpMethod.GET && AuditRoutes.readable(ctx.normalizedPath())) {
      return Access.auditReader(principal.workspace());
    }
    if (principal.hasScope(MetricsRoutes.READ_SCOPE) && principal.workspace() != null
        && ctx.request().method() == HttpMethod.GET && MetricsRoutes.PATH.equals(ctx.normalizedPath())) {
      return Access.metricsReader(principal.workspace());
    }
    if (principal.workspace() != null && AlertRoutes.covers(ctx.normalizedPath())) {
      boolean writer = principal.hasScope(AlertRoutes.WRITE_SCOPE);
      HttpMethod method = ctx.request().method();
      if (writer && (method == HttpMethod.GET || method == HttpMethod.POST)) {
        return new Access(principal.workspace(), Set.of(AlertRoutes.READ_SCOPE, AlertRoutes.WRITE_SCOPE));
      }
      if (principal.hasScope(AlertRoutes.READ_SCOPE) && method == HttpMethod.GET) {
        return new Access(principal.workspace(), Set.of(AlertRoutes.READ_SCOPE));
      }
    }
    return null;
  }

  private static void reject(RoutingContext ctx, ErrorBody error) {
    var response = error.prepare(ctx.response());
    if (error == ErrorBody.UNAUTHORIZED) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"gatehouse-admin\"");
    }
    response.end(error.body());
  }

  /**
   * What an admitted admin caller may do: everything ({@link #FULL}), or, bound to one workspace,
   * what its {@code grants} allow on that workspace's data (audit search, alert triage).
   *
   * @param workspace the only workspace whose data the caller may reach, or null for full admin access
   * @param grants the workspace-bound scopes that admitted the caller (empty for full access)
   */
  public record Access(String workspace, Set<String> grants) {

    /** The bootstrap credential or a {@value Scopes#GATEHOUSE_ADMIN} token. */
    public static final Access FULL = new Access(null, Set.of());

    /** Copies the grants. */
    public Access {
      grants = Set.copyOf(grants);
    }

    /** An {@value AuditRoutes#READ_SCOPE} token bound to {@code workspace}. */
    public static Access auditReader(String workspace) {
      return new Access(Objects.requireNonNull(workspace, "workspace"), Set.of(AuditRoutes.READ_SCOPE));
    }

    /** A {@value MetricsRoutes#READ_SCOPE} token (bound to {@code workspace}, which it gains nothing on). */
    public static Access metricsReader(String workspace) {
      return new Access(Objects.requireNonNull(workspace, "workspace"), Set.of(MetricsRoutes.READ_SCOPE));
    }

    /** Whether the caller was admitted only to scrape the metrics. */
    public boolean metricsOnly() {
      return grants.equals(Set.of(MetricsRoutes.READ_SCOPE));
    }

    /** The workspace whose audit events the caller may read, or null for full admin access. */
    public String auditWorkspace() {
      return workspace;
    }

    /** Whether this is full admin access. */
    public boolean full() {
      return workspace == null;
    }

    /** Whether a workspace-bound caller was admitted with {@code scope}. */
    public boolean grants(String scope) {
      return grants.contains(scope);
    }
  }
}
