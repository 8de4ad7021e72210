package dev.gatehouse.gateway.pipeline;

import dev.gatehouse.gateway.accesslog.AccessLog;
import dev.gatehouse.gateway.audit.DecisionAudit;
import dev.gatehouse.gateway.authn.AuthnResult;
import dev.gatehouse.gateway.block.AddressBlocks;
import dev.gatehouse.gateway.authn.BearerAuthenticator;
import dev.gatehouse.gateway.authn.Principal;
import dev.gatehouse.gateway.canonical.CanonicalRequest;
import dev.gatehouse.gateway.canonical.Canonicalization;
import dev.gatehouse.gateway.canonical.RequestCanonicalizer;
import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.gateway.health.HealthChecks;
import dev.gatehouse.gateway.isolation.IsolationStage;
import dev.gatehouse.gateway.limit.AddressKey;
import dev.gatehouse.gateway.limit.BodyLimit;
import dev.gatehouse.gateway.limit.RateDecision;
import dev.gatehouse.gateway.limit.RateLimiter;
import dev.gatehouse.gateway.metrics.GatewayMetrics;
import dev.gatehouse.gateway.mutate.ClientIdentity;
import dev.gatehouse.gateway.mutate.HeaderMutator;
import dev.gatehouse.gateway.mutate.TrustedProxies;
import dev.gatehouse.gateway.policy.AccessDecision;
import dev.gatehouse.gateway.policy.Route;
import dev.gatehouse.gateway.policy.RouteMatch;
import dev.gatehouse.gateway.policy.RoutePolicy;
import dev.gatehouse.gateway.proxy.ForwardPlan;
import dev.gatehouse.gateway.proxy.UpstreamProxy;
import dev.gatehouse.gateway.session.BrowserSessions;
import dev.gatehouse.gateway.session.OriginCheck;
import dev.gatehouse.gateway.session.SessionCookie;
import dev.gatehouse.gateway.session.SessionEndpoints;
import dev.gatehouse.gateway.socketio.SocketIoEndpoint;
import dev.gatehouse.gateway.tier.RuntimeLease;
import dev.gatehouse.gateway.tier.RuntimeTier;
import dev.gatehouse.gateway.tier.RuntimeUnavailable;
import dev.gatehouse.gateway.tracing.Tracing;
import dev.gatehouse.gateway.webclient.WebClient;
import dev.gatehouse.gateway.workspace.EntityIds;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main listener's request path. Every request except the health probes goes through, in
 * this order, and the first refusal ends it:
 *
 * <ol>
 *   <li>audit admission: when the audit trail cannot keep the event, 503 ({@code audit_unavailable});
 *   <li>canonicalize: one strict parse of the target and headers (400/405/431);
 *   <li>refuse a blocked client address (403 {@code address_blocked}, see {@link AddressBlocks});
 *   <li>limit by client address, and by recent failed authentications from it (429);
 *   <li>refuse a declared {@code Content-Length} over the {@link BodyLimit} (413
 *       {@value BodyLimit#DECLARED_REASON}; the connection is closed rather than the body read);
 *   <li>the sign-in endpoints {@code /login} and {@code /logout} are answered here
 *       ({@link SessionEndpoints}), and so are the web client's files ({@link WebClient});
 *   <li>authenticate the bearer token, or without one the browser session cookie (401; a broken
 *       dependency is 503, never allow); a bearer token wins over a cookie;
 *   <li>a cookie-authenticated request that may change something must come from the public
 *       origin (403 {@value SessionEndpoints#CROSS_ORIGIN}, see {@link OriginCheck});
 *   <li>a request for one of the web client's pages gets the page, or without a caller a
 *       redirect to {@code /login} ({@link WebClient});
 *   <li>match the route and authorize its scopes (401/403/404);
 *   <li>limit by token, then by the token's workspace (429);
 *   <li>workspace isolation ({@link IsolationStage}): resource ids owned by the caller's
 *       workspace, identity fields overwritten, the body checked (404/400/403/413; a broken
 *       dependency is 503);
 *   <li>route to the workspace's runtime ({@link RuntimeTier}; a runtime that cannot take the
 *       request now is 503 with {@code Retry-After});
 *   <li>mutate the headers (client forwarding and credential headers dropped, ours injected, the
 *       client identity per {@link ClientIdentity}) and proxy exactly the canonical target (with
 *       identity query values replaced, an {@code X-Entity-Id} the client sent replaced by the
 *       caller's entity id or dropped for an anonymous request); the JSON answer of an authenticated request goes
 *       through the response policy (lists filtered, created resources recorded, secrets
 *       redacted). A 429 from the runtime is passed on, never retried. A streamed
 *       body that grows past the {@link BodyLimit} is cut off by the proxy and the exchange is
 *       denied with {@value BodyLimit#STREAMED_REASON}.
 * </ol>
 *
 * Requests under {@code /socket.io} go to the {@link SocketIoEndpoint} instead of the route
 * policy and the proxy: its handshake rules apply before authentication, and a browser's must
 * come from the public origin ({@link OriginCheck#allowsSocket}); an allowed one is served by
 * the gateway's own Engine.IO server (route id {@value SocketIoEndpoint#ROUTE_ID}).
 *
 * Each exchange ends in one access-log line and one audit event, allowed or denied; so do
 * requests the HTTP parser refuses before this pipeline sees them ({@link #handleInvalid}).
 */
public final class RequestPipeline implements Handler<HttpServerRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(RequestPipeline.class);
  /** Audit reason key of a request refused because its client address is blocked. */
  public static final String BLOCKED_REASON = "address_blocked";
  /** The header elizaOS clients name their entity in; forwarded only as the caller's own entity id. */
  static final String ENTITY_HEADER = "X-Entity-Id";
  /** Audit reason of a WebSocket upgrade on a route not declared {@code websocket: true}. */
  public static final String UPGRADE_NOT_ALLOWED = "upgrade_not_allowed";
  /** Audit reason of a web client page asked for without a signed-in caller (sent to sign in). */
  public static final String LOGIN_REQUIRED = "login_required";

  /** The gateway's limiters; see {@link dev.gatehouse.gateway.limit.Limits} for the budgets. */
  public record Limiters(RateLimiter perAddress, RateLimiter failedAuthentication, RateLimiter perToken,
      RateLimiter perWorkspace) {}

  private final HealthChecks health;
  private final DecisionAudit audit;
  private final RequestCanonicalizer canonicalizer = new RequestCanonicalizer();
  private final TrustedProxies trustedProxies;
  private final AddressBlocks blocks;
  private final Limiters limiters;
  private final BodyLimit bodyLimit;
  private final BearerAuthenticator authenticator;
  /** Read once per request: a reload never changes the policy in the middle of one. */
  private final Supplier<RoutePolicy> policies;
  private final IsolationStage isolation;
  private final HeaderMutator mutator;
  private final UpstreamProxy proxy;
  private final RuntimeTier runtimes;
  private final SocketIoEndpoint socketIo;
  private final BrowserSessions browsers;
  private final ClientIdentity clientIdentity;
  private final GatewayMetrics metrics;
  private final Tracing tracing;

  /** {@code metrics} records every exchange and call to the runtime; {@code tracing} traces them. */
  public RequestPipeline(HealthChecks health, DecisionAudit audit, TrustedProxies trustedProxies,
      AddressBlocks blocks, Limiters limiters, BodyLimit bodyLimit, BearerAuthenticator authenticator, Supplier<RoutePolicy> policies,
      IsolationStage isolation, HeaderMutator mutator, UpstreamProxy proxy, RuntimeTier runtimes,
      SocketIoEndpoint socketIo, BrowserSessions browsers, GatewayMetrics metrics, Tracing tracing) {
    this.health = health;
    this.audit = audit;
    this.trustedProxies = trustedProxies;
    this.blocks = blocks;
    this.limiters = limiters;
    this.bodyLimit = bodyLimit;
    this.authenticator = authenticator;
    this.policies = policies;
    this.isolation = isolation;
    this.mutator = mutator;
    this.proxy = proxy;
    this.runtimes = runtimes;
    this.socketIo = socketIo;
    this.browsers = browsers;
    this.clientIdentity = proxy.upstream().clientIdentity();
    this.metrics = metrics;
    this.tracing = tracing;
  }

  @Override
  public void handle(HttpServerRequest request) {
    long started = System.nanoTime();
    String id = AccessLog.begin(request);
    String path = request.path();
    if (HealthChecks.LIVE_PATH.equals(path) || HealthChecks.READY_PATH.equals(path)) {
      AccessLog.whenDone(request, outcome -> AccessLog.log("main", id, request, started, outcome));
      if (HealthChecks.LIVE_PATH.equals(path)) {
        health.live(request);
      } else {
        health.ready(request);
      }
      return;
    }
    Exchange exchange = new Exchange(id, started, request.method().name(),
        request.getHeader(HttpHeaders.USER_AGENT), request.remoteAddress().hostAddress());
    // Only a trusted proxy's traceparent is adopted: anyone else starts a new trace.
    exchange.trace(tracing.begin(request, trustedProxies.contains(request.remoteAddress().hostAddress())));
    AccessLog.whenDone(request, outcome -> {
      if (AccessLog.ABORTED.equals(outcome)) {
        exchange.closedByClient(request.response().headWritten());
      }
      finish(request, exchange, outcome);
    });
    exchange.trace().stage("admission");
    if (!audit.admitting()) {
      refuse(request, exchange, ErrorBody.SERVICE_UNAVAILABLE, "audit_unavailable");
      return;
    }
    exchange.trace().stage("canonicalize");
    Canonicalization canonical = canonicalizer.canonicalize(request.method().name(), request.uri(), request.headers());
    if (canonical instanceof dev.gatehouse.gateway.canonical.Rejection rejection) {
      refuse(request, exchange, ErrorBody.forStatus(rejection.status()), rejection.key());
      return;
    }
    CanonicalRequest target = (CanonicalRequest) canonical;
    RoutePolicy policy = policies.get();
    String client = trustedProxies.clientAddress(request.remoteAddress().hostAddress(), request.headers());
    exchange.clientAddress(client);
    exchange.trace().stage("limit");
    if (blocks.isBlocked(client)) {
      refuse(request, exchange, ErrorBody.FORBIDDEN, BLOCKED_REASON);
      return;
    }
    String addressKey = AddressKey.of(client);
    if (limited(request, exchange, limiters.perAddress().acquire(addressKey), "address_rate_limited")
        || limited(request, exchange, limiters.failedAuthentication().peek(addressKey), "failed_authentication_limited")) {
      return;
    }
    if (bodyLimit.declaredOver(request.getHeader(HttpHeaders.CONTENT_LENGTH))) {
      // Closing stops the body being read: the cap must not cost the gateway the declared bytes.
      request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      refuse(request, exchange, ErrorBody.PAYLOAD_TOO_LARGE, BodyLimit.DECLARED_REASON)
          .onComplete(sent -> request.connection().close());
      return;
    }
    if (SessionEndpoints.handles(target.path())) {
      signIn(request, exchange, target.path(), addressKey);
      return;
    }
    if (browsers.client().filter(c -> c.isFile(request.method(), target.path())).isPresent()
        && policy.match(target.method(), target.path()).isEmpty()) {
      exchange.route(Optional.of(WebClient.FILE_ROUTE));
      exchange.allow();
      browsers.client().get().sendFile(request.response(), target.path());
      return;
    }
    if (socketIo.handles(target.path())) {
      var refusal = socketIo.checkHandshake(request, target.path());
      if (refusal.isPresent()) {
        exchange.route(Optional.of(SocketIoEndpoint.ROUTE));
        refuse(request, exchange, refusal.get().error(), refusal.get().reason());
        return;
      }
    }
    request.pause();
    exchange.trace().stage("authenticate");
    authenticator.authenticate(request)
        .compose(result -> result instanceof AuthnResult.NotApplicable && SessionCookie.present(request)
            ? bySession(request, exchange) : Future.succeededFuture(result))
        .onComplete(result -> afterAuthentication(request, exchange, target, policy, addressKey, result));
  }

  /** Authentication by the session cookie (no bearer token was presented). */
  private Future<AuthnResult> bySession(HttpServerRequest request, Exchange exchange) {
    exchange.bySession();
    return SessionCookie.read(request).map(id -> browsers.sessions().authenticate(id))
        .orElseGet(() -> Future.succeededFuture(AuthnResult.rejected("session_malformed")));
  }

  /** Whether the route of the request is granted without any credential. */
  private boolean publicRoute(RoutePolicy policy, CanonicalRequest target) {
    return !socketIo.handles(target.path())
        && policy.authorize(policy.match(target.method(), target.path()), Optional.empty())
            instanceof AccessDecision.Granted;
  }

  /** Whether the request is for one of the web client's pages (a path no route claims). */
  private boolean webPage(RoutePolicy policy, HttpServerRequest request, CanonicalRequest target) {
    return browsers.client().filter(c -> c.isPage(request, target.path())).isPresent()
        && !socketIo.handles(target.path()) && !SessionEndpoints.handles(target.path())
        && policy.match(target.method(), target.path()).isEmpty();
  }

  /** The app's page for a signed-in caller; anyone else is sent to sign in, and back here after. */
  private void webClientPage(HttpServerRequest request, Exchange exchange, Optional<Principal> principal) {
    exchange.route(Optional.of(WebClient.PAGE_ROUTE));
    request.resume();
    if (principal.isEmpty()) {
      exchange.deny(LOGIN_REQUIRED);
      String next = SessionEndpoints.localPath(request.uri()) ? request.uri() : "/";
      request.response().setStatusCode(303)
          .putHeader(HttpHeaders.LOCATION, SessionEndpoints.LOGIN_PATH + "?next="
              + URLEncoder.encode(next, StandardCharsets.UTF_8))
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .end();
      return;
    }
    exchange.allow();
    browsers.client().orElseThrow().sendPage(request.response(),
        EntityIds.of(principal.get().workspace(), principal.get().subject()));
  }

  /** {@code /login} and {@code /logout}: answered by the gateway, audited like any exchange. */
  private void signIn(HttpServerRequest request, Exchange exchange, String path, String addressKey) {
    exchange.route(Optional.of(SessionEndpoints.route(path)));
    browsers.endpoints().handle(request, path).onComplete(answered -> {
      if (answered.failed()) {
        LOG.warn("sign-in failed closed: kind={} requestId={}", answered.cause().getClass().getSimpleName(),
            exchange.requestId());
        refuse(request, exchange, ErrorBody.SERVICE_UNAVAILABLE, "session_store_unavailable");
        return;
      }
      SessionEndpoints.Answer answer = answered.result();
      exchange.principal(answer.principal());
      if (answer.failedAuthentication()) {
        limiters.failedAuthentication().acquire(addressKey);
      }
      answer.refusal().ifPresentOrElse(exchange::deny, exchange::allow);
      request.response().setStatusCode(answer.status()).headers().addAll(answer.headers());
      request.response().end(answer.body());
    });
  }

  /**
   * The main listener's handler for requests the HTTP parser itself refused (request line or
   * header section over its cap, broken syntax): the generic JSON error (414 {@code
   * request_line_too_long}, 431 {@code headers_too_large}, otherwise 400 {@code malformed_request}),
   * one access-log line and one audit event, like every other refusal; then the connection is
   * closed, since the parser cannot tell where the next request would start.
   */
  public void handleInvalid(HttpServerRequest request) {
    long started = System.nanoTime();
    String id = AccessLog.begin(request);
    Exchange exchange = new Exchange(id, started, request.method().name(),
        request.getHeader(HttpHeaders.USER_AGENT), request.remoteAddress().hostAddress());
    AccessLog.whenDone(request, outcome -> finish(request, exchange, outcome));
    Throwable cause = request.decoderResult().cause();
    if (cause instanceof TooLongHttpHeaderException) {
      refuse(request, exchange, ErrorBody.HEADERS_TOO_LARGE, "headers_too_large");
    } else if (cause instanceof TooLongHttpLineException) {
      refuse(request, exchange, ErrorBody.URI_TOO_LONG, "request_line_too_long");
    } else {
      refuse(request, exchange, ErrorBody.BAD_REQUEST, "malformed_request");
    }
    request.connection().close();
  }

  private void afterAuthentication(HttpServerRequest request, Exchange exchange, CanonicalRequest target,
      RoutePolicy policy, String addressKey, AsyncResult<AuthnResult> result) {
    if (result.failed()) {
      LOG.warn("authentication failed closed: kind={} requestId={}", result.cause().getClass().getSimpleName(),
          exchange.requestId());
      refuse(request, exchange, ErrorBody.SERVICE_UNAVAILABLE, "authentication_unavailable");
      return;
    }
    Optional<Principal> principal;
    if (result.result() instanceof AuthnResult.Rejected && exchange.viaSession()
        && (publicRoute(policy, target) || webPage(policy, request, target))) {
      // A browser sends its cookie everywhere: an ended session still sees what anyone may see.
      principal = Optional.empty();
    } else if (result.result() instanceof AuthnResult.Rejected rejected) {
      if (!exchange.viaSession()) {
        // A session id is 256 random bits: a stale cookie is no guess worth limiting, and
        // counting it would keep a person whose session ended from signing in again.
        limiters.failedAuthentication().acquire(addressKey);
      }
      refuse(request, exchange, rejected.rejection().error(), rejected.rejection().reason());
      return;
    } else if (result.result() instanceof AuthnResult.Authenticated authenticated) {
      principal = Optional.of(authenticated.principal());
    } else {
      principal = Optional.empty();
    }
    exchange.principal(principal);
    if (exchange.viaSession() && principal.isPresent() && !browsers.origins().allows(request)) {
      if (!socketIo.handles(target.path())) {
        exchange.route(policy.match(target.method(), target.path()));
      }
      refuse(request, exchange, ErrorBody.FORBIDDEN, SessionEndpoints.CROSS_ORIGIN);
      return;
    }
    if (socketIo.handles(target.path())) {
      socketIo(request, exchange, addressKey, principal);
      return;
    }
    if (webPage(policy, request, target)) {
      webClientPage(request, exchange, principal);
      return;
    }
    exchange.trace().stage("authorize");
    var match = policy.match(target.method(), target.path());
    exchange.route(match);
    AccessDecision decision = policy.authorize(match, principal.map(Principal::scopes));
    if (decision instanceof AccessDecision.Refused refused) {
      refuse(request, exchange, ErrorBody.forStatus(refused.status()), refused.reason());
      return;
    }
    if (request.canUpgradeToWebSocket()
        && !policy.route(match.orElseThrow().routeId()).map(Route::websocket).orElse(false)) {
      // A WebSocket stream escapes body and response rules; only routes declared for it take one.
      refuse(request, exchange, ErrorBody.BAD_REQUEST, UPGRADE_NOT_ALLOWED);
      return;
    }
    if (principal.isPresent()
        && (limited(request, exchange, limiters.perToken().acquire(principal.get().jti()), "token_rate_limited")
        || limited(request, exchange, limiters.perWorkspace().acquire(principal.get().workspace()),
            "workspace_rate_limited"))) {
      return;
    }
    if (principal.isEmpty()) {
      forward(request, exchange, target.forwardTarget(), Optional.empty());
      return;
    }
    RouteMatch chosen = match.orElseThrow();
    Route route = policy.route(chosen.routeId()).orElseThrow();
    exchange.trace().stage("isolate");
    isolation.check(principal.get(), route.isolation(), chosen, target, request).onComplete(checked -> {
      if (checked.failed()) {
        LOG.warn("isolation failed closed: kind={} requestId={}", checked.cause().getClass().getSimpleName(),
            exchange.requestId());
        refuse(request, exchange, ErrorBody.SERVICE_UNAVAILABLE, "isolation_unavailable");
        return;
      }
      IsolationStage.Outcome outcome = checked.result();
      exchange.boundResources(outcome.bound());
      if (outcome instanceof IsolationStage.Refused refused) {
        refuse(request, exchange, refused.error(), refused.reason());
      } else if (outcome instanceof IsolationStage.Forward forward) {
        forward(request, exchange, forward.target(), Optional.of(forward.plan()));
      }
    });
  }

  private void forward(HttpServerRequest request, Exchange exchange, String target, Optional<ForwardPlan> plan) {
    Context context = Vertx.currentContext();
    exchange.trace().stage("runtime");
    Future<RuntimeLease> lease = runtimes.acquire(exchange.principal().map(Principal::workspace));
    if (lease.isComplete()) {
      // A runtime at hand (always, with a fixed one): go on here, with no hop through the task queue.
      leased(request, exchange, target, plan, lease);
    } else {
      lease.onComplete(leased -> context.runOnContext(v -> leased(request, exchange, target, plan, leased)));
    }
  }

  /** Runs on the exchange's event loop once {@code leased} is complete. */
  private void leased(HttpServerRequest request, Exchange exchange, String target, Optional<ForwardPlan> plan,
      AsyncResult<RuntimeLease> leased) {
    if (leased.failed()) {
      refuseRuntime(request, exchange, leased.cause());
    } else if (!exchange.hold(leased.result())) {
      // The client left while its runtime was starting.
      leased.result().release();
    } else {
      proxy(request, exchange, target, plan, leased.result());
    }
  }

  private void proxy(HttpServerRequest request, Exchange exchange, String target, Optional<ForwardPlan> plan,
      RuntimeLease runtime) {
    exchange.allow();
    exchange.trace().stage("proxy");
    MultiMap forward = mutator.forwardHeaders(request.headers(),
        clientIdentity.forwardedFor(exchange.clientAddress(), exchange.principal()), exchange.requestId(),
        request.canUpgradeToWebSocket());
    forward.set(UpstreamProxy.FORWARD_TARGET_HEADER, target);
    if (forward.contains(ENTITY_HEADER)) {
      // The runtime narrows some reads to this entity: it may only ever be the caller's own.
      exchange.principal().map(p -> EntityIds.of(p.workspace(), p.subject()).toString()).ifPresentOrElse(
          entity -> forward.set(ENTITY_HEADER, entity), () -> forward.remove(ENTITY_HEADER));
    }
    if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      // The proxy takes the body's framing from these headers and never forwards the header
      // itself: without it, a chunked body could not be streamed at all. The canonicalizer
      // admits no value but "chunked".
      forward.set(HttpHeaders.TRANSFER_ENCODING, HttpHeaders.CHUNKED);
    }
    request.headers().clear().addAll(forward);
    proxy.handle(request, runtime, exchange::renewed, plan.filter(p -> !request.canUpgradeToWebSocket()),
        exchange.principal().isPresent(), () -> exchange.deny(BodyLimit.STREAMED_REASON), exchange::upstreamFailed,
        new UpstreamObservation(metrics, exchange));
  }

  /** No runtime for the exchange: 503 with Retry-After (or 404), or 503 when the tier itself broke. */
  private static void refuseRuntime(HttpServerRequest request, Exchange exchange, Throwable failure) {
    if (failure instanceof RuntimeUnavailable unavailable) {
      unavailable.retryAfterSeconds().ifPresent(seconds ->
          request.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
      refuse(request, exchange, ErrorBody.forStatus(unavailable.status()), unavailable.reason());
    } else {
      LOG.warn("runtime tier failed closed: kind={} requestId={}", failure.getClass().getSimpleName(),
          exchange.requestId());
      refuse(request, exchange, ErrorBody.SERVICE_UNAVAILABLE, "runtime_unavailable");
    }
  }

  /**
   * A Socket.IO request after authentication: a browser's must come from the public origin; a
   * token-less WebSocket upgrade authenticates at CONNECT.
   */
  private void socketIo(HttpServerRequest request, Exchange exchange, String addressKey,
      Optional<Principal> principal) {
    exchange.route(Optional.of(SocketIoEndpoint.ROUTE));
    exchange.trace().stage("socketio");
    if (!browsers.origins().allowsSocket(request, exchange.viaSession())) {
      refuse(request, exchange, ErrorBody.FORBIDDEN, SessionEndpoints.CROSS_ORIGIN);
      return;
    }
    var refusal = socketIo.checkCaller(request, principal);
    if (refusal.isPresent()) {
      refuse(request, exchange, refusal.get().error(), refusal.get().reason());
      return;
    }
    if (principal.isPresent()
        && limited(request, exchange, limiters.perToken().acquire(principal.get().jti()), "token_rate_limited")) {
      return;
    }
    exchange.allow();
    Optional<Supplier<Future<AuthnResult>>> session = exchange.viaSession() && principal.isPresent()
        ? SessionCookie.read(request).map(id -> () -> browsers.sessions().authenticate(id))
        : Optional.empty();
    var handshake = new SocketIoEndpoint.Handshake(exchange.requestId(), exchange.clientAddress(), addressKey,
        exchange.userAgent(), principal, session);
    if (!SocketIoEndpoint.upgrades(request)) {
      socketIo.accept(request, handshake);
      return;
    }
    // An upgraded request never ends as an HTTP response: its log line and event are written here.
    socketIo.accept(request, handshake)
        .onComplete(upgraded -> finish(request, exchange, upgraded.succeeded() ? "upgraded" : AccessLog.ABORTED));
  }

  /** The exchange's one access-log line and one audit event, its meters and the end of its trace. */
  private void finish(HttpServerRequest request, Exchange exchange, String outcome) {
    if (exchange.finish()) {
      exchange.releaseRuntime();
      int status = exchange.unanswered() ? 0 : request.response().getStatusCode();
      String route = exchange.route().map(RouteMatch::routeId).orElse(null);
      metrics.exchange(route, exchange.allowed(), status, System.nanoTime() - exchange.startedNanos());
      exchange.trace().end(route, exchange.allowed(), exchange.reason(), status);
      AccessLog.log("main", exchange.requestId(), request, exchange.startedNanos(), outcome, exchange.trace().traceId());
      audit.record(exchange, request);
    }
  }

  private boolean limited(HttpServerRequest request, Exchange exchange, RateDecision decision, String reason) {
    if (decision.allowed()) {
      return false;
    }
    request.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
    refuse(request, exchange, ErrorBody.TOO_MANY_REQUESTS, reason);
    return true;
  }

  private static Future<Void> refuse(HttpServerRequest request, Exchange exchange, ErrorBody error, String reason) {
    exchange.deny(reason);
    request.resume();
    var response = error.prepare(request.response());
    if (error == ErrorBody.UNAUTHORIZED) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"gatehouse\"");
    }
    return response.end(error.body());
  }
}
