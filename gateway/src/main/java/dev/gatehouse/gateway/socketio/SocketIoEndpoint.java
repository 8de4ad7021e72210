package dev.gatehouse.gateway.socketio;

import dev.gatehouse.gateway.audit.DecisionAudit;
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
import dev.gatehouse.gateway.workspace.EntityIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's Socket.IO endpoint in front of the runtime ({@value #PATH}): the only way a
 * client reaches the runtime's Socket.IO server. It serves the WebSocket transport of Engine.IO v4
 * / Socket.IO v5 only, terminates the client's WebSocket and speaks to the runtime over its own.
 *
 * <h3>Handshake</h3>
 * {@code GET /socket.io/?EIO=4&transport=websocket} with a WebSocket upgrade; anything else under
 * {@code /socket.io} is refused before authentication (polling 400, other paths 404). A bearer
 * token in {@code Authorization} is verified by the request pipeline before the upgrade (a
 * refused token is 401); without one, the token must arrive in the Socket.IO CONNECT packet's
 * auth payload {@code {"token": "..."}}. Either way the caller needs {@code messages:read} or
 * {@code messages:write}, and the workspace's runtime ({@link RuntimeTier}) is dialled only once
 * the token is valid; the session holds a lease on that runtime until it closes. The runtime sees
 * the caller's entity id ({@link EntityIds}) and its own key, never the caller's token.
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

  private static final Logger LOG = LoggerFactory.getLogger(SocketIoEndpoint.class);

  /** Why a handshake was refused: the generic client error and the audit reason key. */
  public record Refusal(ErrorBody error, String reason) {}

  /**
   * What the request pipeline learnt about an upgrade it allowed.
   *
   * @param principal present when the upgrade carried a valid bearer token
   */
  public record Handshake(String requestId, String clientAddress, String addressKey, String userAgent,
      Optional<Principal> principal) {}

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
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setConnectTimeout((int) upstream.connectTimeout().toMillis())
        .setVerifyHost(true)
        .setMaxFrameSize(MAX_RUNTIME_MESSAGE_BYTES)
        .setMaxMessageSize(MAX_RUNTIME_MESSAGE_BYTES));
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
    if (!List.of("websocket").equals(params.getAll("transport"))) {
      return Optional.of(new Refusal(ErrorBody.BAD_REQUEST, "socketio_transport_refused"));
    }
    if (!List.of("4").equals(params.getAll("EIO"))) {
      return Optional.of(new Refusal(ErrorBody.BAD_REQUEST, "socketio_version_refused"));
    }
    if (params.contains("sid") || request.method() != HttpMethod.GET || !request.canUpgradeToWebSocket()) {
      return Optional.of(new Refusal(ErrorBody.BAD_REQUEST, "socketio_not_websocket"));
    }
    return Optional.empty();
  }

  /** Refuses a caller authenticated at the upgrade whose token cannot use the endpoint at all. */
  public Optional<Refusal> checkCaller(Optional<Principal> principal) {
    if (principal.isPresent() && !mayConnect(principal.get())) {
      return Optional.of(new Refusal(ErrorBody.FORBIDDEN, "missing_scope"));
    }
    return Optional.empty();
  }

  /**
   * Completes an upgrade the pipeline allowed and starts the session; the future tells whether
   * the WebSocket was established.
   */
  public Future<Void> upgrade(HttpServerRequest request, Handshake handshake) {
    Optional<String> token = BearerCredentials.extract(request).token();
    return request.toWebSocket()
        .onFailure(e -> LOG.info("socket upgrade failed: kind={} requestId={}", e.getClass().getSimpleName(),
            handshake.requestId()))
        .map(socket -> {
          new SocketIoSession(this, socket, handshake, token).start();
          return null;
        });
  }

  public Future<Void> close() {
    return client.close();
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
