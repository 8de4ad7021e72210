package dev.gatehouse.gateway.session;

import dev.gatehouse.gateway.authn.AuthnResult;
import dev.gatehouse.gateway.authn.BearerCredentials;
import dev.gatehouse.gateway.authn.Principal;
import dev.gatehouse.gateway.authn.TokenVerifier;
import dev.gatehouse.gateway.policy.RouteMatch;
import io.netty.handler.codec.http.QueryStringDecoder;
import dev.gatehouse.gateway.authn.IssuerRegistry;
import dev.gatehouse.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's own sign-in endpoints for people in a browser:
 * <ul>
 *   <li>{@code GET /login}: a form that takes a Gatehouse token (from {@code gatehouse token
 *       create} or an administrator) or an external issuer's token; no password store.</li>
 *   <li>{@code POST /login} (form {@code token}, optional {@code next}): from the public origin
 *       only; a token the gateway accepts becomes a new session (a new id at every sign-in), set
 *       as {@link SessionCookie}, and the browser goes to {@code next} (a path on this site) with
 *       303; a refused token is 401 with the form again, counted as a failed authentication.</li>
 *   <li>{@code POST /logout}: from the public origin only; ends the session on every node,
 *       clears the cookie, 303 to {@code /login}.</li>
 * </ul>
 * The pipeline writes each {@link Answer}, with one access-log line and one audit event (route
 * {@value #LOGIN_ID} or {@value #LOGOUT_ID}).
 */
public final class SessionEndpoints {

  public static final String LOGIN_PATH = "/login";
  public static final String LOGOUT_PATH = "/logout";
  public static final String LOGIN_ID = "gatehouse-login";
  public static final String LOGOUT_ID = "gatehouse-logout";
  public static final RouteMatch LOGIN_ROUTE = new RouteMatch(LOGIN_ID, LOGIN_PATH, Map.of());
  public static final RouteMatch LOGOUT_ROUTE = new RouteMatch(LOGOUT_ID, LOGOUT_PATH, Map.of());
  /** Audit reason of a sign-in or sign-out that did not come from the public origin. */
  public static final String CROSS_ORIGIN = "cross_origin_refused";
  /** Longest sign-in form read. */
  static final int MAX_FORM = 16 * 1024;
  private static final String CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  /**
   * What to answer: status, headers and body; the principal it concerns; why it was refused (empty
   * when allowed); whether it counts as a failed authentication for the client's address.
   */
  public record Answer(int status, MultiMap headers, String body, Optional<Principal> principal,
      Optional<String> refusal, boolean failedAuthentication) {}

  private final TokenVerifier verifier;
  private final Sessions sessions;
  private final OriginCheck origins;
  private final Optional<OidcSignIn> oidc;

  /** Sign-in with a token only. */
  public SessionEndpoints(TokenVerifier verifier, Sessions sessions, OriginCheck origins) {
    this(verifier, sessions, origins, Optional.empty());
  }

  private SessionEndpoints(TokenVerifier verifier, Sessions sessions, OriginCheck origins, Optional<OidcSignIn> oidc) {
    this.verifier = verifier;
    this.sessions = sessions;
    this.origins = origins;
    this.oidc = oidc;
  }

  /** Sign-in with a token, and through the OpenID provider of {@code settings} ({@link OidcSignIn}). */
  public static SessionEndpoints withOidc(Vertx vertx, TokenVerifier verifier, Sessions sessions, OriginCheck origins,
      GatewayConfig.Sessions settings, IssuerRegistry issuers, Pool pool, Clock clock) {
    return new SessionEndpoints(verifier, sessions, origins, Optional.of(new OidcSignIn(vertx, settings, issuers,
        sessions, origins, new SignInAttempts(pool, clock), clock)));
  }

  public static boolean handles(String path) {
    return LOGIN_PATH.equals(path) || LOGOUT_PATH.equals(path) || OidcSignIn.handles(path);
  }

  public static RouteMatch route(String path) {
    return LOGOUT_PATH.equals(path) ? LOGOUT_ROUTE : LOGIN_ROUTE;
  }

  /** Answers one request to a sign-in path ({@link #handles}); a failed future means deny with 503. */
  public Future<Answer> handle(HttpServerRequest request, String path) {
    HttpMethod method = request.method();
    if (OidcSignIn.handles(path)) {
      return oidc.map(o -> o.handle(request, path)).orElseGet(() -> Future.succeededFuture(new Answer(404,
          secureHeaders(), "", Optional.empty(), Optional.of("not_found"), false)));
    }
    if (LOGIN_PATH.equals(path) && (method == HttpMethod.GET || method == HttpMethod.HEAD)) {
      String next = Optional.ofNullable(request.getParam("next")).filter(SessionEndpoints::localPath).orElse("/");
      return Future.succeededFuture(page(200, next, "", Optional.empty(), Optional.empty(), false));
    }
    if (method != HttpMethod.POST) {
      return Future.succeededFuture(new Answer(405, secureHeaders().add(HttpHeaders.ALLOW, "GET, POST"),
          "", Optional.empty(), Optional.of("method_not_allowed"), false));
    }
    if (!origins.sameOrigin(request)) {
      return Future.succeededFuture(new Answer(403, secureHeaders(), "", Optional.empty(), Optional.of(CROSS_ORIGIN),
          false));
    }
    return LOGIN_PATH.equals(path) ? login(request) : logout(request);
  }

  private Future<Answer> login(HttpServerRequest request) {
    return form(request).compose(form -> {
      String next = first(form, "next").filter(SessionEndpoints::localPath).orElse("/");
      Optional<String> token = first(form, "token").map(String::strip)
          .filter(t -> !t.isEmpty() && t.length() <= BearerCredentials.MAX_TOKEN_CHARS);
      if (token.isEmpty()) {
        return Future.succeededFuture(page(401, next, "Sign-in failed.", Optional.empty(), Optional.of("no_credentials"),
            true));
      }
      return verifier.verify(token.get()).compose(result -> {
        if (!(result instanceof AuthnResult.Authenticated authenticated)) {
          String reason = result instanceof AuthnResult.Rejected rejected ? rejected.rejection().reason() : "no_credentials";
          return Future.succeededFuture(page(401, next, "Sign-in failed.", Optional.empty(), Optional.of(reason), true));
        }
        Principal principal = authenticated.principal();
        return sessions.create(principal).map(id -> new Answer(303, secureHeaders()
            .add(HttpHeaders.LOCATION, next).add(HttpHeaders.SET_COOKIE, SessionCookie.set(id)), "",
            Optional.of(principal), Optional.empty(), false));
      });
    }, failure -> Future.succeededFuture(new Answer(413, secureHeaders(), "", Optional.empty(),
        Optional.of("login_form_too_large"), false)));
  }

  private Future<Answer> logout(HttpServerRequest request) {
    Optional<String> id = SessionCookie.read(request);
    MultiMap headers = secureHeaders().add(HttpHeaders.LOCATION, LOGIN_PATH)
        .add(HttpHeaders.SET_COOKIE, SessionCookie.clear());
    if (id.isEmpty()) {
      return Future.succeededFuture(new Answer(303, headers, "", Optional.empty(), Optional.empty(), false));
    }
    return sessions.authenticate(id.get()).compose(who -> sessions.end(id.get()).map(v -> new Answer(303, headers, "",
        who instanceof AuthnResult.Authenticated a ? Optional.of(a.principal()) : Optional.empty(), Optional.empty(),
        false)));
  }

  /** A path on this site: one leading slash, no scheme-relative {@code //} or backslash tricks. */
  public static boolean localPath(String next) {
    return next.startsWith("/") && !next.startsWith("//") && next.chars().noneMatch(c -> c == '\\' || c < 0x21
        || c > 0x7E) && next.length() <= 1024;
  }

  static Future<Map<String, List<String>>> form(HttpServerRequest request) {
    Promise<Map<String, List<String>>> done = Promise.promise();
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (body.length() + chunk.length() > MAX_FORM) {
        request.pause();
        done.tryFail(new IllegalArgumentException("sign-in form too large"));
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(done::tryFail);
    request.endHandler(v -> done.tryComplete(
        new QueryStringDecoder(body.toString(StandardCharsets.UTF_8), StandardCharsets.UTF_8, false).parameters()));
    request.resume();
    return done.future();
  }

  static Optional<String> first(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    return values == null || values.size() != 1 ? Optional.empty() : Optional.of(values.get(0));
  }

  private Answer page(int status, String next, String message, Optional<Principal> principal,
      Optional<String> refusal, boolean failedAuthentication) {
    String body = LoginPage.render(next, message, oidc.map(OidcSignIn::label));
    return new Answer(status, secureHeaders().add(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8"), body,
        principal, refusal, failedAuthentication);
  }

  static MultiMap secureHeaders() {
    return MultiMap.caseInsensitiveMultiMap()
        .add("Content-Security-Policy", CSP)
        .add(HttpHeaders.CACHE_CONTROL, "no-store")
        // "no-referrer" would make the browser send "Origin: null" with the sign-in form.
        .add("Referrer-Policy", "same-origin")
        .add("X-Content-Type-Options", "nosniff");
  }
}
