package dev.gatehouse.gateway.console;

import dev.gatehouse.gateway.admin.AdminRoutes;
import dev.gatehouse.gateway.authn.AuthnResult;
import dev.gatehouse.gateway.authn.BearerAuthenticator;
import dev.gatehouse.gateway.authn.BearerCredentials;
import dev.gatehouse.gateway.authn.TokenVerifier;
import dev.gatehouse.gateway.session.OriginCheck;
import dev.gatehouse.gateway.session.SessionCookie;
import dev.gatehouse.gateway.session.SessionEndpoints;
import dev.gatehouse.gateway.session.Sessions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.util.HashMap;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The security console, served on the admin listener under {@value #PATH}: server-rendered pages
 * for analysts (alert queue and detail, timelines, audit search, integrity, rules).
 *
 * <p><b>Sign-in.</b> {@code GET /console/login} asks for a Gatehouse-issued token (an admin's, or
 * one minted with the role {@code security-analyst}); {@code POST /console/login} from this origin
 * exchanges it for a server-side session (the {@link Sessions} store the main listener uses, its
 * idle and absolute timeouts, ended on every node by logout and by whatever withdraws the token)
 * held in the HttpOnly, Secure, SameSite=Strict cookie {@value SessionCookie#CONSOLE}; the token
 * itself is not kept in the browser. {@code POST /console/logout} ends it. Who may do what:
 * {@link Analyst}.
 *
 * <p><b>Every page</b> needs a live session (else 303 to the sign-in page); every form post must
 * come from this origin and carry the session's form token ({@code _csrf}), else 403. Every
 * request is recorded in the audit trail with the analyst's subject (the admin plane's audit
 * handler runs first). Answers carry a strict Content-Security-Policy ({@link Views#CSP}); the one
 * script and the style sheet are served from here.
 */
public final class Console implements AdminRoutes {

  public static final String PATH = "/console";
  static final String LOGIN_PATH = PATH + "/login";
  static final String LOGOUT_PATH = PATH + "/logout";
  /** Largest form the console reads. */
  static final long MAX_FORM_BYTES = 16 * 1024;
  private static final Map<String, String> STATIC = Map.of(
      "console.css", "text/css; charset=utf-8",
      "console.js", "text/javascript; charset=utf-8");

  private final Vertx vertx;
  private final TokenVerifier verifier;
  private final Sessions sessions;
  private final OriginCheck origins = new OriginCheck(Optional.empty());
  private final Views views = new Views();
  private final List<ConsolePage> pages;
  private final Map<String, Buffer> assets = new HashMap<>();

  /** The console over {@code sources}, signing analysts in with {@code verifier} into {@code sessions}. */
  public Console(Vertx vertx, TokenVerifier verifier, Sessions sessions, ConsoleSources sources) {
    this.vertx = vertx;
    this.verifier = verifier;
    this.sessions = sessions;
    this.pages = List.of(new AlertQueue(sources, views), new AlertDetail(sources, views), new Timeline(sources, views),
        new AuditSearch(sources, views), new Integrity(sources, views), new RulesPage(sources, views, new RuleScores(vertx)),
        new Runbooks(views));
    STATIC.keySet().forEach(name -> assets.put(name, resource(name)));
  }

  private static Buffer resource(String name) {
    try (InputStream in = Console.class.getResourceAsStream("/console/static/" + name)) {
      if (in == null) {
        throw new IllegalStateException("console asset missing: " + name);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void mount(Router router) {
    Router console = Router.router(vertx);
    console.route().handler(Views::secure);
    console.route().handler(BodyHandler.create().setBodyLimit(MAX_FORM_BYTES).setHandleFileUploads(false));
    console.get("/static/:name").handler(this::asset);
    console.get("/login").handler(ctx -> loginPage(ctx, 200, false));
    console.post("/login").handler(this::login);
    console.route().handler(this::authenticate);
    console.post("/logout").handler(this::logout);
    console.get("/").handler(ctx -> Views.seeOther(ctx, AlertQueue.PATH));
    pages.forEach(page -> page.mount(console));
    console.route().last().handler(ctx -> views.error(ctx, 404));
    console.errorHandler(500, ctx -> views.unavailable(ctx, ctx.failure() == null ? new IllegalStateException()
        : ctx.failure()));
    router.route(PATH + "/*").subRouter(console);
  }

  private void asset(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String type = STATIC.get(name);
    if (type == null) {
      views.error(ctx, 404);
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type).end(assets.get(name));
  }

  private void loginPage(RoutingContext ctx, int status, boolean failed) {
    String next = Optional.ofNullable(ctx.request().getParam("next")).filter(Console::consolePath)
        .orElse(AlertQueue.PATH);
    views.page(ctx, status, "login", Map.of("next", next, "failed", failed));
  }

  private void login(RoutingContext ctx) {
    if (!origins.sameOrigin(ctx.request())) {
      views.error(ctx, 403);
      return;
    }
    String token = Optional.ofNullable(ctx.request().getFormAttribute("token")).map(String::strip).orElse("");
    if (token.isEmpty() || token.length() > BearerCredentials.MAX_TOKEN_CHARS) {
      loginPage(ctx, 401, true);
      return;
    }
    String next = Optional.ofNullable(ctx.request().getFormAttribute("next")).filter(Console::consolePath)
        .orElse(AlertQueue.PATH);
    verifier.verify(token).onComplete(verified -> {
      if (verified.failed()) {
        views.unavailable(ctx, verified.cause());
        return;
      }
      if (!(verified.result() instanceof AuthnResult.Authenticated authenticated)
          || Analyst.of(authenticated.principal(), verifier.ownIssuer(), "").isEmpty()) {
        loginPage(ctx, 401, true);
        return;
      }
      ctx.put(BearerAuthenticator.PRINCIPAL, authenticated.principal());
      sessions.create(authenticated.principal()).onComplete(created -> {
        if (created.failed()) {
          views.unavailable(ctx, created.cause());
        } else {
          ctx.response().putHeader(HttpHeaders.SET_COOKIE, SessionCookie.setConsole(created.result()));
          Views.seeOther(ctx, next);
        }
      });
    });
  }

  private void authenticate(RoutingContext ctx) {
    Optional<String> id = SessionCookie.readConsole(ctx.request());
    if (id.isEmpty()) {
      toLogin(ctx);
      return;
    }
    sessions.authenticate(id.get()).onComplete(done -> {
      if (done.failed()) {
        views.unavailable(ctx, done.cause());
        return;
      }
      if (!(done.result() instanceof AuthnResult.Authenticated authenticated)) {
        ctx.response().putHeader(HttpHeaders.SET_COOKIE, SessionCookie.clearConsole());
        toLogin(ctx);
        return;
      }
      Optional<Analyst> analyst = Analyst.of(authenticated.principal(), verifier.ownIssuer(), id.get());
      if (analyst.isEmpty()) {
        views.error(ctx, 403);
        return;
      }
      ctx.put(BearerAuthenticator.PRINCIPAL, authenticated.principal());
      ctx.put(Analyst.KEY, analyst.get());
      if (ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD
          && !(origins.sameOrigin(ctx.request()) && analyst.get().csrfMatches(ctx.request().getFormAttribute("_csrf")))) {
        views.error(ctx, 403);
        return;
      }
      ctx.next();
    });
  }

  private void logout(RoutingContext ctx) {
    String id = SessionCookie.readConsole(ctx.request()).orElseThrow();
    sessions.end(id).onComplete(done -> {
      if (done.failed()) {
        views.unavailable(ctx, done.cause());
      } else {
        ctx.response().putHeader(HttpHeaders.SET_COOKIE, SessionCookie.clearConsole());
        Views.seeOther(ctx, LOGIN_PATH);
      }
    });
  }

  private static void toLogin(RoutingContext ctx) {
    if (ctx.request().method() != HttpMethod.GET) {
      ctx.response().setStatusCode(403).end();
      return;
    }
    Views.seeOther(ctx, LOGIN_PATH + "?next=" + URLEncoder.encode(ctx.request().uri(), StandardCharsets.UTF_8));
  }

  /** A console path to go to after sign-in; nothing else (no open redirect). */
  static boolean consolePath(String next) {
    return SessionEndpoints.localPath(next) && next.startsWith(PATH + "/");
  }
}
