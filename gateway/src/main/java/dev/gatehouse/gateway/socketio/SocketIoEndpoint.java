package dev.gatehouse.gateway.socketio;

import dev.gatehouse.gateway.audit.DecisionAudit;
import dev.gatehouse.gateway.authn.AuthnResult;
import dev.gatehouse.gateway.authn.BearerCredentials;
import dev.gatehouse.gateway.authn.Principal;
import dev.gatehouse.gateway.authn.TokenVerifier;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.gateway.limit.RateLimiter;
import dev.gatehouse.gateway.mutate.HeaderMutator;
import dev.gatehouse.gateway.policy.RouteMatch;
import dev.gatehouse.gateway.tier.RuntimeTarget;
import dev.gatehouse.gateway.tier.RuntimeTier;
import dev.gatehouse.gateway.tls.UpstreamTrust;
import dev.gatehouse.gateway.workspace.EntityIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's Socket.IO endpoint in front of the runtime ({@value #PATH}): the only way a
 * client reaches the runtime's Socket.IO server. It is the Engine.IO v4 / Socket.IO v5 server
 * its clients speak to, over either transport, and speaks to the runtime over its own WebSocket.
 *
 * <h3>Handshake</h3>
 * <ul>
 *   <li>{@code GET ?EIO=4&transport=websocket} with a WebSocket upgrade: a session over that
 *       WebSocket. A bearer token in {@code Authorization} or a browser session cookie is
 *       verified by the request pipeline before the upgrade (a refused one is 401); without
 *       either, the token must arrive in the Socket.IO CONNECT packet's auth payload
 *       {@code {"token": "..."}}.
 *   <li>{@code GET ?EIO=4&transport=polling}: a session over long-polling ({@link PollingChannel}),
 *       answered with the open packet and a fresh {@code sid} (144 random bits). Polling needs a
 *       credential on every request (bearer token or session cookie): each later
 *       {@code GET}/{@code POST ?sid=} and the WebSocket upgrade {@code ?transport=websocket&sid=}
 *       must come from the same caller (same token), on the same gateway node (behind a load
 *       balancer, route {@code /socket.io/} with affinity, or clients start on WebSocket).
 * </ul>
 * Anything else under {@code /socket.io} is refused before authentication (other versions and
 * transports 400, other paths 404). The caller needs {@code messages:read} or
 * {@code messages:write}, and the workspace's runtime ({@link RuntimeTier}) is dialled only once
 * the caller is authenticated; the session holds a lease on that runtime until it closes. The
 * runtime sees the caller's entity id ({@link EntityIds}) and its own key, never the caller's
 * credential.
 *
 * <h3>After the handshake</h3>
 * See {@link SocketIoSession}: every client event decided by {@link EventPolicy} and audited;
 * message size and rate capped; the token re-checked on every message and every
 * {@code socketio.recheckInterval}. Thread-safe: sessions are confined to their socket's event loop.
 */
public final class SocketIoEndpoint {

  /** The one Socket.IO path served. */
  public static final String PATH = "/socket.io/";
  /** Route id of the endpoint in audit events. */
  public static final String ROUTE_ID = "socketio";
  /** The route the upgrade request is recorded under. */
  public static final RouteMatch ROUTE = new RouteMatch(ROUTE_ID, PATH, Map.of());
  /** What the gateway asks of the runtime: always the WebSocket transport of Engine.IO v4. */
  static final String UPSTREAM_TARGET = PATH + "?EIO=4&transport=websocket";
  /**
   * Largest message accepted from the runtime: 4 MiB. The runtime's own inbound limit is 1 MB;
   * its broadcasts carry at most a message and its metadata.
   */
  static final int MAX_RUNTIME_MESSAGE_BYTES = 4 * 1024 * 1024;
  /** Random bytes of a long-polling session id. */
  private static final int SID_BYTES = 18;

  private static final Logger LOG = LoggerFactory.getLogger(SocketIoEndpoint.class);

  /** Why a handshake was refused: the generic client error and the audit reason key. */
  public record Refusal(ErrorBody error, String reason) {}

  /**
   * What the request pipeline learnt about a handshake it allowed.
   *
   * @param principal present when the handshake carried a valid bearer token or browser session
   * @param session re-authenticates the browser session the handshake came with (empty: none)
   */
  public record Handshake(String requestId, String clientAddress, String addressKey, String userAgent,
      Optional<Principal> principal, Optional<Supplier<Future<AuthnResult>>> session) {}

  /** A long-polling session this node serves, and whose it is. */
  private record Polling(PollingChannel channel, Principal principal) {}

  private final Vertx vertx;
  private final GatewayConfig.Upstream upstream;
  private final SocketIoSettings settings;
  private final TokenVerifier verifier;
  private final DecisionAudit audit;
  private final EventPolicy policy;
  private final RateLimiter failedAuthentication;
  private final RateLimiter perToken;
  private final RateLimiter messageRate;
  private final RuntimeTier runtimes;
  private final WebSocketClient client;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Polling> polling = new ConcurrentHashMap<>();
  private final AtomicInteger openSockets = new AtomicInteger();

  /**
   * @param runtimes where each workspace's sessions go
   * @param channelAccess ownership of channels, message servers and agents by workspace
   * @param failedAuthentication the pipeline's per-address limiter of failed authentications
   *     (charged for a refused CONNECT token)
   * @param perToken the pipeline's per-token limiter (charged for a CONNECT token)
   */
  public SocketIoEndpoint(Vertx vertx, GatewayConfig.Upstream upstream, RuntimeTier runtimes, SocketIoSettings settings,
      TokenVerifier verifier, DecisionAudit audit, ChannelAccess channelAccess, RateLimiter failedAuthentication,
      RateLimiter perToken, Clock clock) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.settings = settings;
    this.verifier = verifier;
    this.audit = audit;
    this.policy = new EventPolicy(channelAccess);
    this.failedAuthentication = failedAuthentication;
    this.perToken = perToken;
    this.messageRate = new RateLimiter(settings.messageRate());
    this.runtimes = runtimes;
    this.clock = clock;
    this.client = vertx.createWebSocketClient(UpstreamTrust.apply(vertx, new WebSocketClientOptions()
        .setConnectTimeout((int) upstream.connectTimeout().toMillis())
        .setVerifyHost(true)
        .setMaxFrameSize(MAX_RUNTIME_MESSAGE_BYTES)
        .setMaxMessageSize(MAX_RUNTIME_MESSAGE_BYTES), upstream.caFile()));
  }

  /** Whether a canonical path belongs to this endpoint: {@code /socket.io} and everything below. */
  public boolean handles(String path) {
    return path.equals("/socket.io") || path.startsWith("/socket.io/");
  }

  /** Refuses, before authentication, every request this endpoint does not serve. */
  public Optional<Refusal> checkHandshake(HttpServerRequest request, String path) {
    if (!PATH.equals(path)) {
      return Optional.of(new Refusal(ErrorBody.NOT_FOUND, "socketio_path"));
    }
    var params = request.params();
    List<String> transport = params.getAll("transport");
    if (!List.of("websocket").equals(transport) && !List.of("polling").equals(transport)) {
      return Optional.of(new Refusal(ErrorBody.BAD_REQUEST, "socketio_transport_refused"));
    }
    if (!List.of("4").equals(params.getAll("EIO"))) {
      return Optional.of(new Refusal(ErrorBody.BAD_REQUEST, "socketio_version_refused"));
    }
    if (params.getAll("sid").size() > 1) {
      return Optional.of(new Refusal(ErrorBody.BAD_REQUEST, "socketio_session_unknown"));
    }
    if (polling(request)) {
      boolean allowed = request.method() == HttpMethod.GET
          || request.method() == HttpMethod.POST && params.contains("sid");
      return allowed ? Optional.empty()
          : Optional.of(new Refusal(ErrorBody.BAD_REQUEST, "socketio_polling_method"));
    }
    if (request.method() != HttpMethod.GET || !request.canUpgradeToWebSocket()) {
      return Optional.of(new Refusal(ErrorBody.BAD_REQUEST, "socketio_not_websocket"));
    }
    return Optional.empty();
  }

  /**
   * Refuses an authenticated request that cannot use the endpoint: a caller without the scopes,
   * polling without a credential, and a {@code sid} this node does not serve or that is another
   * caller's.
   */
  public Optional<Refusal> checkCaller(HttpServerRequest request, Optional<Principal> principal) {
    if (principal.isPresent() && !mayConnect(principal.get())) {
      return Optional.of(new Refusal(ErrorBody.FORBIDDEN, "missing_scope"));
    }
    if (principal.isEmpty() && (polling(request) || request.params().contains("sid"))) {
      return Optional.of(new Refusal(ErrorBody.UNAUTHORIZED, "no_credentials"));
    }
    String sid = request.getParam("sid");
    if (sid == null) {
      return Optional.empty();
    }
    Polling known = polling.get(sid);
    if (known == null) {
      return Optional.of(new Refusal(ErrorBody.BAD_REQUEST, "socketio_session_unknown"));
    }
    Principal caller = principal.orElseThrow();
    if (!(caller.jti().equals(known.principal().jti()) && caller.workspace().equals(known.principal().workspace())
        && caller.subject().equals(known.principal().subject()))) {
      return Optional.of(new Refusal(ErrorBody.FORBIDDEN, "socketio_session_mismatch"));
    }
    return Optional.empty();
  }

  /** Whether {@link #accept} will upgrade the request to a WebSocket (else it answers a poll). */
  public static boolean upgrades(HttpServerRequest request) {
    return !polling(request);
  }

  /**
   * Serves a request the pipeline allowed after {@link #checkCaller}: starts a session, answers
   * a poll, or completes a WebSocket upgrade (then the future tells whether it was established).
   */
  public Future<Void> accept(HttpServerRequest request, Handshake handshake) {
    String sid = request.getParam("sid");
    Polling known = sid == null ? null : polling.get(sid);
    if (sid != null && known == null) {
      // Ended since it was checked.
      request.response().setStatusCode(400).end();
      return Future.succeededFuture();
    }
    if (polling(request)) {
      if (known == null) {
        startPolling(request, handshake);
      } else if (request.method() == HttpMethod.POST) {
        known.channel().post(request);
      } else {
        known.channel().get(request);
      }
      return Future.succeededFuture();
    }
    return request.toWebSocket()
        .onFailure(e -> LOG.info("socket upgrade failed: kind={} requestId={}", e.getClass().getSimpleName(),
            handshake.requestId()))
        .map(socket -> {
          if (known != null) {
            known.channel().upgrade(socket);
          } else {
            new SocketIoSession(this, handshake, recheck(request, handshake)).start(socket);
          }
          return null;
        });
  }

  private void startPolling(HttpServerRequest request, Handshake handshake) {
    byte[] bytes = new byte[SID_BYTES];
    random.nextBytes(bytes);
    String sid = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    SocketIoSession session = new SocketIoSession(this, handshake, recheck(request, handshake));
    PollingChannel channel = new PollingChannel(session, vertx, session.context(), settings.maxMessageBytes(),
        SocketIoSession.PING_INTERVAL_MS + SocketIoSession.PING_TIMEOUT_MS, () -> polling.remove(sid));
    polling.put(sid, new Polling(channel, handshake.principal().orElseThrow()));
    session.start(channel, sid);
    channel.get(request);
  }

  /** How the session re-checks its caller: the browser session, else the bearer token, if any. */
  private Optional<Supplier<Future<AuthnResult>>> recheck(HttpServerRequest request, Handshake handshake) {
    if (handshake.session().isPresent()) {
      return handshake.session();
    }
    return BearerCredentials.extract(request).token().map(token -> () -> verifier.verify(token));
  }

  private static boolean polling(HttpServerRequest request) {
    return "polling".equals(request.getParam("transport"));
  }

  public Future<Void> close() {
    return client.close();
  }

  /** Sessions started and not yet closed, over either transport. */
  public int openSockets() {
    return openSockets.get();
  }

  void socketOpened() {
    openSockets.incrementAndGet();
  }

  void socketClosed() {
    openSockets.decrementAndGet();
  }

  static boolean mayConnect(Principal principal) {
    return principal.hasScope(EventPolicy.READ_SCOPE) || principal.hasScope(EventPolicy.WRITE_SCOPE);
  }

  /** Opens the gateway's own WebSocket to {@code runtime} for one session. */
  Future<WebSocket> dial(Handshake handshake, RuntimeTarget runtime) {
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost(runtime.url().getHost())
        .setPort(runtime.origin().port())
        .setSsl(runtime.isTls())
        .setURI(UPSTREAM_TARGET)
        .setConnectTimeout(upstream.connectTimeout().toMillis())
        .addHeader(HeaderMutator.FORWARDED_FOR, handshake.clientAddress())
        .addHeader(HeaderMutator.REQUEST_ID, handshake.requestId());
    runtime.apiKey().ifPresent(key -> options.addHeader(HeaderMutator.RUNTIME_KEY_HEADER, key));
    return client.connect(options);
  }

  RuntimeTier runtimes() {
    return runtimes;
  }

  Vertx vertx() {
    return vertx;
  }

  SocketIoSettings settings() {
    return settings;
  }

  TokenVerifier verifier() {
    return verifier;
  }

  DecisionAudit audit() {
    return audit;
  }

  EventPolicy policy() {
    return policy;
  }

  RateLimiter failedAuthentication() {
    return failedAuthentication;
  }

  RateLimiter perToken() {
    return perToken;
  }

  RateLimiter messageRate() {
    return messageRate;
  }

  Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "SocketIoEndpoint[" + runtimes.describe() + "]";
  }
}
