package dev.gatehouse.gateway.socketio;

import dev.gatehouse.gateway.accesslog.RequestId;
import dev.gatehouse.gateway.authn.AuthnResult;
import dev.gatehouse.gateway.authn.BearerCredentials;
import dev.gatehouse.gateway.authn.Principal;
import dev.gatehouse.gateway.proxy.UpstreamProxy;
import dev.gatehouse.gateway.tier.RuntimeLease;
import dev.gatehouse.gateway.tier.RuntimeTarget;
import dev.gatehouse.gateway.tier.RuntimeUnavailable;
import dev.gatehouse.gateway.workspace.EntityIds;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session and, once its caller is authenticated, the gateway's own socket to the
 * runtime. The client is reached over a {@link ClientChannel}: a WebSocket, or long-polling until
 * it upgrades; every check below applies whatever the transport. Confined to the event loop it
 * was made on; client messages are handled one at a time, in order (the channel is paused while
 * a decision is pending).
 *
 * <h3>Lifecycle</h3>
 * <ol>
 *   <li>The gateway sends its own Engine.IO open packet and waits up to
 *       {@code socketio.connectTimeout} for the Socket.IO CONNECT packet of the default namespace.
 *   <li>CONNECT: the caller is the upgrade's principal, or the token in the CONNECT auth payload
 *       is verified now (the handshake's browser session, if any, is the caller and the payload
 *       is ignored). Refused: CONNECT_ERROR {@code {"message":"unauthorized"}} and close 1008;
 *       the runtime is never dialled.
 *   <li>A lease is taken on the workspace's runtime (held until the session closes), the runtime
 *       is dialled; its open packet is consumed and the gateway's CONNECT carries
 *       {@code {entityId, apiKey}}; its CONNECT answer is relayed. From then on the runtime's
 *       messages are relayed as they are, and Engine.IO ping/pong pass through both ways.
 *   <li>Each client event is decided by {@link EventPolicy}: allowed events are forwarded
 *       rewritten; refused ones never reach the runtime, and the client gets
 *       {@code messageError {"error":"forbidden"}} (or the acknowledgement, with that body).
 * </ol>
 *
 * <h3>Closes</h3>
 * <ul>
 *   <li>1009: a client message over {@code socketio.maxMessageBytes} (a single frame over the
 *       listener's frame limit is dropped by the WebSocket decoder itself, see
 *       {@link #onClientError});
 *   <li>1008: the message rate exceeded, CONNECT refused or late, and the token expired, revoked
 *       or its workspace locked (checked before every client message once connected, and every
 *       {@code socketio.recheckInterval}; a browser session is re-checked the same way: logout,
 *       idle or absolute timeout);
 *   <li>1003: a binary message (no binary packets are supported);
 *   <li>1011: the runtime or a dependency (token state, audit trail) unavailable;
 *   <li>1013: the workspace's runtime cannot take the session now (still starting, or every
 *       runtime in use): try again later.
 * </ul>
 * Each of these decisions, and every CONNECT and event decision, is one audit event. Engine.IO
 * heartbeats are relayed without an event.
 */
final class SocketIoSession {

  private static final Logger LOG = LoggerFactory.getLogger(SocketIoSession.class);

  static final short NORMAL = 1000;
  static final short UNSUPPORTED_DATA = 1003;
  static final short POLICY_VIOLATION = 1008;
  static final short MESSAGE_TOO_BIG = 1009;
  static final short INTERNAL_ERROR = 1011;
  /** The workspace's runtime cannot take the session now (starting, at capacity). */
  static final short TRY_AGAIN_LATER = 1013;

  static final String TYPE_CONNECT = "socketio.connect";
  static final String TYPE_DISCONNECT = "socketio.disconnect";
  static final String TYPE_MESSAGE = "socketio.message";
  static final String TYPE_SESSION = "socketio.session";
  /** Engine.IO heartbeats, relayed as they are. */
  private static final String PING = "2";
  private static final String PONG = "3";
  private static final String CLOSE = "1";
  private static final String REFUSED_EVENT = "[\"messageError\",{\"error\":\"forbidden\"}]";
  private static final String REFUSED_ACK = "[{\"error\":\"forbidden\"}]";
  /** Heartbeat announced in the gateway's open packet: the runtime's own (elizaos-runtime §2). */
  static final int PING_INTERVAL_MS = 25_000;
  static final int PING_TIMEOUT_MS = 20_000;

  private enum State { AWAITING_CONNECT, CONNECTING, OPEN, CLOSED }

  private final SocketIoEndpoint endpoint;
  private final Context context;
  private final SocketIoEndpoint.Handshake handshake;
  private final SocketAudit audit;
  private ClientChannel client;
  private State state = State.AWAITING_CONNECT;
  private Principal principal;
  /** Re-authenticates the caller's credential: its token, or its browser session. */
  private Supplier<Future<AuthnResult>> recheck;
  private String entityId;
  private WebSocket upstream;
  private RuntimeLease runtime;
  private long connectTimer = -1;
  private long recheckTimer = -1;

  /**
   * @param recheck re-authenticates the credential the handshake was authenticated with; empty
   *     when the caller authenticates at CONNECT
   */
  SocketIoSession(SocketIoEndpoint endpoint, SocketIoEndpoint.Handshake handshake,
      Optional<Supplier<Future<AuthnResult>>> recheck) {
    this.endpoint = endpoint;
    this.context = Vertx.currentContext();
    this.handshake = handshake;
    this.audit = new SocketAudit(endpoint.audit(), handshake);
    this.principal = handshake.principal().orElse(null);
    this.recheck = principal == null ? null : recheck.orElse(null);
  }

  /** Starts the session over a WebSocket that never was anything else. */
  void start(ServerWebSocket socket) {
    WebSocketChannel channel = webSocketChannel(socket);
    start(channel, RequestId.next(), false);
    channel.attach();
  }

  /**
   * Starts the session over long-polling: {@code sid} is the channel's key, which the client
   * presents on every later poll and on the upgrade.
   */
  void start(PollingChannel channel, String sid) {
    start((ClientChannel) channel, sid, true);
  }

  WebSocketChannel webSocketChannel(ServerWebSocket socket) {
    return new WebSocketChannel(this, socket, context, endpoint.settings().maxMessageBytes());
  }

  Context context() {
    return context;
  }

  /** The client upgraded from polling: from now on it is reached over {@code channel}. */
  void switchTo(WebSocketChannel channel) {
    client = channel;
    channel.attach();
    if (state == State.CLOSED) {
      channel.close(NORMAL, "");
    }
  }

  private void start(ClientChannel channel, String sid, boolean canUpgrade) {
    client = channel;
    endpoint.socketOpened();
    JsonObject open = new JsonObject()
        .put("sid", sid)
        .put("upgrades", canUpgrade ? new JsonArray().add("websocket") : new JsonArray())
        .put("pingInterval", PING_INTERVAL_MS)
        .put("pingTimeout", PING_TIMEOUT_MS)
        .put("maxPayload", endpoint.settings().maxMessageBytes());
    client.send("0" + open.encode());
    connectTimer = endpoint.vertx().setTimer(endpoint.settings().connectTimeout().toMillis(), id -> {
      connectTimer = -1;
      if (state == State.AWAITING_CONNECT || state == State.CONNECTING) {
        closeFor("connect_timeout", POLICY_VIOLATION, TYPE_CONNECT, 0, System.nanoTime());
      }
    });
  }

  // ------------------------------------------------------------------ client side

  /** A client message over {@code socketio.maxMessageBytes}. */
  void onTooLarge(long bytes) {
    closeFor("message_too_large", MESSAGE_TOO_BIG, TYPE_MESSAGE, bytes, System.nanoTime());
  }

  /** A binary client message: no binary packets are supported. */
  void onBinary(long bytes) {
    closeFor("binary_refused", UNSUPPORTED_DATA, TYPE_MESSAGE, bytes, System.nanoTime());
  }

  /** One complete client text message, handed over by the channel while not paused. */
  void onMessage(String text, long bytes) {
    if (state == State.CLOSED) {
      return;
    }
    long started = System.nanoTime();
    if (!endpoint.messageRate().acquire(handshake.requestId()).allowed()) {
      closeFor("message_rate_limited", POLICY_VIOLATION, TYPE_MESSAGE, bytes, started);
      return;
    }
    if (!audit.admitting()) {
      closeFor("audit_unavailable", INTERNAL_ERROR, TYPE_MESSAGE, bytes, started);
      return;
    }
    client.pause();
    Future<String> live = state == State.OPEN ? liveness() : Future.succeededFuture(null);
    live.onComplete(checked -> {
      if (state == State.CLOSED) {
        return;
      }
      if (checked.failed() || checked.result() != null) {
        closeForLiveness(checked, TYPE_MESSAGE, bytes, started);
        return;
      }
      dispatch(text, bytes, started).onSuccess(resume -> {
        if (resume) {
          resumeClient();
        }
      });
    });
  }

  /**
   * Handles one client message of a caller whose token was just re-checked. The future tells
   * whether to read the next message now (a CONNECT resumes reading only once the runtime answered).
   */
  private Future<Boolean> dispatch(String text, long bytes, long started) {
    Future<Boolean> next = Future.succeededFuture(true);
    if (PING.equals(text) || PONG.equals(text)) {
      if (state == State.OPEN) {
        upstream.writeTextMessage(text);
      }
      return next;
    }
    if (CLOSE.equals(text)) {
      shutdown(NORMAL);
      return next;
    }
    Optional<SocketIoPacket> parsed = text.isEmpty() || text.charAt(0) != SocketIoPacket.ENGINE_MESSAGE
        ? Optional.empty() : SocketIoPacket.parse(text.substring(1));
    if (parsed.isEmpty()) {
      refuse(null, Verdict.refuse("malformed_packet", TYPE_MESSAGE), bytes, started);
      return next;
    }
    SocketIoPacket packet = parsed.get();
    if (!SocketIoPacket.DEFAULT_NAMESPACE.equals(packet.namespace())) {
      refuse(packet, Verdict.refuse("namespace_refused", TYPE_MESSAGE), bytes, started);
      return next;
    }
    switch (packet.type()) {
      case SocketIoPacket.CONNECT -> {
        if (state == State.AWAITING_CONNECT) {
          onConnect(packet, bytes, started);
          return Future.succeededFuture(false);
        }
        refuse(packet, Verdict.refuse("already_connected", TYPE_CONNECT), bytes, started);
      }
      case SocketIoPacket.EVENT -> {
        if (state == State.OPEN) {
          return onEvent(packet, bytes, started);
        }
        refuse(packet, Verdict.refuse("not_connected", TYPE_MESSAGE), bytes, started);
      }
      case SocketIoPacket.DISCONNECT -> {
        if (state == State.OPEN) {
          upstream.writeTextMessage(text);
          audit.record(true, Verdict.ALLOWED, TYPE_DISCONNECT, Map.of(), null, bytes, bytes, started);
        } else {
          refuse(packet, Verdict.refuse("not_connected", TYPE_DISCONNECT), bytes, started);
        }
      }
      default -> refuse(packet, Verdict.refuse("packet_refused", TYPE_MESSAGE), bytes, started);
    }
    return next;
  }

  private void onConnect(SocketIoPacket packet, long bytes, long started) {
    state = State.CONNECTING;
    Future<AuthnResult> authenticated;
    if (principal != null) {
      authenticated = Future.succeededFuture(new AuthnResult.Authenticated(principal));
    } else if (!endpoint.failedAuthentication().peek(handshake.addressKey()).allowed()) {
      connectRefused("failed_authentication_limited", "rate_limited", POLICY_VIOLATION, bytes, started);
      return;
    } else {
      String token = connectToken(packet.json());
      recheck = token == null ? null : () -> endpoint.verifier().verify(token);
      authenticated = token == null
          ? Future.succeededFuture(AuthnResult.NOT_APPLICABLE)
          : recheck.get();
    }
    authenticated.onComplete(result -> {
      if (state == State.CLOSED) {
        return;
      }
      if (result.failed()) {
        LOG.warn("socket authentication failed closed: kind={} requestId={}",
            result.cause().getClass().getSimpleName(), handshake.requestId());
        connectRefused("authentication_unavailable", "unavailable", INTERNAL_ERROR, bytes, started);
      } else if (result.result() instanceof AuthnResult.Authenticated ok) {
        boolean fromConnect = principal == null;
        principal = ok.principal();
        audit.principal(principal);
        if (!SocketIoEndpoint.mayConnect(principal)) {
          connectRefused("missing_scope", "forbidden", POLICY_VIOLATION, bytes, started);
        } else if (fromConnect && !endpoint.perToken().acquire(principal.jti()).allowed()) {
          connectRefused("token_rate_limited", "rate_limited", POLICY_VIOLATION, bytes, started);
        } else {
          entityId = EntityIds.of(principal.workspace(), principal.subject()).toString();
          lease(bytes, started);
        }
      } else {
        endpoint.failedAuthentication().acquire(handshake.addressKey());
        String reason = result.result() instanceof AuthnResult.Rejected rejected
            ? rejected.rejection().reason() : "no_credentials";
        recheck = null;
        connectRefused(reason, "unauthorized", POLICY_VIOLATION, bytes, started);
      }
    });
  }

  /** The token of a CONNECT auth payload {@code {"token": "..."}}, or null when there is none. */
  private static String connectToken(String json) {
    if (json.isEmpty()) {
      return null;
    }
    try {
      Object value = new JsonObject(json).getValue("token");
      return value instanceof String s && !s.isEmpty() && s.length() <= BearerCredentials.MAX_TOKEN_CHARS ? s : null;
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private void connectRefused(String reason, String clientError, short code, long bytes, long started) {
    client.send("44" + new JsonObject().put("message", clientError).encode());
    closeFor(reason, code, TYPE_CONNECT, bytes, started);
  }

  private Future<Boolean> onEvent(SocketIoPacket packet, long bytes, long started) {
    return endpoint.policy().decide(packet, principal, entityId).transform(decided -> {
      if (state == State.CLOSED) {
        return Future.succeededFuture(false);
      }
      Verdict verdict = decided.succeeded() ? decided.result() : Verdict.refuse("policy_failed", TYPE_MESSAGE);
      if (verdict.allowed()) {
        upstream.writeTextMessage(verdict.forward());
        audit.record(true, verdict.reason(), verdict.messageType(), verdict.resourceIds(), null, bytes,
            verdict.forward().getBytes(StandardCharsets.UTF_8).length, started);
      } else {
        refuse(packet, verdict, bytes, started);
      }
      return Future.succeededFuture(true);
    });
  }

  /** Refused: nothing reaches the runtime; the client gets the generic error. */
  private void refuse(SocketIoPacket packet, Verdict verdict, long bytes, long started) {
    if (state == State.OPEN && packet != null && packet.type() == SocketIoPacket.EVENT) {
      client.send(packet.ackId() == null
          ? "42" + REFUSED_EVENT
          : "43" + packet.ackId() + REFUSED_ACK);
    }
    audit.record(false, verdict.reason(), verdict.messageType(), verdict.resourceIds(), null, bytes, 0, started);
  }

  private void resumeClient() {
    if (state == State.CLOSED) {
      return;
    }
    if (upstream != null && upstream.writeQueueFull()) {
      upstream.drainHandler(v -> {
        if (state != State.CLOSED) {
          client.resume();
        }
      });
    } else {
      client.resume();
    }
  }

  /**
   * A frame over the listener's frame limit is refused by the WebSocket decoder, which drops the
   * connection itself; the decision is still recorded and the runtime side closed.
   */
  void onClientError(Throwable failure) {
    if (failure instanceof CorruptedWebSocketFrameException corrupted
        && corrupted.closeStatus().code() == MESSAGE_TOO_BIG) {
      closeFor("message_too_large", MESSAGE_TOO_BIG, TYPE_MESSAGE, 0, System.nanoTime());
    } else {
      LOG.debug("client socket error: kind={}", failure.getClass().getSimpleName());
    }
  }

  void onClientClosed() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    endpoint.socketClosed();
    cancelTimers();
    if (upstream != null) {
      upstream.close(NORMAL);
    }
    releaseRuntime();
  }

  private void releaseRuntime() {
    if (runtime != null) {
      runtime.release();
      runtime = null;
    }
  }

  // ------------------------------------------------------------------ token liveness

  /**
   * Null while the caller's token is still good; otherwise the reason key (expired, revoked,
   * workspace locked, ...). A failed future: the revocation state is not current (fail closed).
   */
  private Future<String> liveness() {
    if (!endpoint.clock().instant().isBefore(principal.expiresAt())) {
      return Future.succeededFuture("expired");
    }
    return recheck.get().map(result -> {
      if (result instanceof AuthnResult.Authenticated ok) {
        return ok.principal().jti().equals(principal.jti()) ? null : "token_changed";
      }
      return result instanceof AuthnResult.Rejected rejected ? rejected.rejection().reason() : "no_credentials";
    });
  }

  private void closeForLiveness(io.vertx.core.AsyncResult<String> live, String messageType, long bytes,
      long started) {
    if (live.failed()) {
      LOG.warn("socket token re-check failed closed: kind={} requestId={}", live.cause().getClass().getSimpleName(),
          handshake.requestId());
      closeFor("authentication_unavailable", INTERNAL_ERROR, messageType, bytes, started);
    } else {
      closeFor(live.result(), POLICY_VIOLATION, messageType, bytes, started);
    }
  }

  private void startRechecks() {
    recheckTimer = endpoint.vertx().setPeriodic(endpoint.settings().recheckInterval().toMillis(), id -> {
      if (state != State.OPEN) {
        return;
      }
      long started = System.nanoTime();
      liveness().onComplete(live -> {
        if (state != State.CLOSED && (live.failed() || live.result() != null)) {
          closeForLiveness(live, TYPE_SESSION, 0, started);
        }
      });
    });
  }

  // ------------------------------------------------------------------ runtime side

  /** Takes a lease on the workspace's runtime (which may have to start first), then dials it. */
  private void lease(long bytes, long started) {
    Context context = Vertx.currentContext();
    endpoint.runtimes().acquire(Optional.of(principal.workspace())).onComplete(leased -> context.runOnContext(v -> {
      if (leased.failed()) {
        if (state == State.CLOSED) {
          return;
        }
        if (leased.cause() instanceof RuntimeUnavailable unavailable) {
          connectRefused(unavailable.reason(), "unavailable", TRY_AGAIN_LATER, bytes, started);
        } else {
          LOG.warn("runtime tier failed closed: kind={} requestId={}", leased.cause().getClass().getSimpleName(),
              handshake.requestId());
          connectRefused("runtime_unavailable", "unavailable", INTERNAL_ERROR, bytes, started);
        }
        return;
      }
      if (state == State.CLOSED) {
        leased.result().release();
        return;
      }
      runtime = leased.result();
      dial(runtime.target(), true, bytes, started);
    }));
  }

  /**
   * Dials the runtime; when it refuses the connection and {@code renew}, the lease is renewed
   * once (a restarted runtime) and the new runtime dialled.
   */
  private void dial(RuntimeTarget target, boolean renew, long bytes, long started) {
    Context context = Vertx.currentContext();
    endpoint.dial(handshake, target).onComplete(dialled -> {
      if (dialled.failed() && renew && runtime != null && UpstreamProxy.refused(dialled.cause())) {
        RuntimeLease refusing = runtime;
        refusing.renew().onComplete(renewed -> context.runOnContext(v -> {
          if (renewed.failed()) {
            connectRefused("upstream_unavailable", "bad_gateway", INTERNAL_ERROR, bytes, started);
          } else if (state == State.CLOSED) {
            renewed.result().release();
          } else {
            runtime = renewed.result();
            dial(runtime.target(), false, bytes, started);
          }
        }));
        return;
      }
      if (dialled.failed()) {
        LOG.warn("runtime socket failed: kind={} requestId={}", dialled.cause().getClass().getSimpleName(),
            handshake.requestId());
        if (state != State.CLOSED) {
          connectRefused("upstream_unavailable", "bad_gateway", INTERNAL_ERROR, bytes, started);
        }
        return;
      }
      WebSocket ws = dialled.result();
      if (state == State.CLOSED) {
        ws.close(NORMAL);
        return;
      }
      upstream = ws;
      ws.textMessageHandler(text -> onUpstreamText(text, bytes, started));
      ws.closeHandler(v -> onUpstreamClosed());
      ws.exceptionHandler(e -> LOG.debug("runtime socket error: kind={}", e.getClass().getSimpleName()));
    });
  }

  private void onUpstreamText(String text, long connectBytes, long connectStarted) {
    if (state == State.CLOSED) {
      return;
    }
    if (state == State.CONNECTING) {
      if (text.startsWith("0")) {
        JsonObject auth = new JsonObject().put("entityId", entityId);
        runtime.target().apiKey().ifPresent(key -> auth.put("apiKey", key));
        upstream.writeTextMessage("40" + auth.encode());
        return;
      }
      if (text.startsWith("40")) {
        state = State.OPEN;
        if (connectTimer != -1) {
          endpoint.vertx().cancelTimer(connectTimer);
          connectTimer = -1;
        }
        client.send(text);
        audit.record(true, Verdict.ALLOWED, TYPE_CONNECT, Map.of(), null, connectBytes, 0, connectStarted);
        startRechecks();
        resumeClient();
        return;
      }
      if (text.startsWith("44")) {
        connectRefused("upstream_refused", "bad_gateway", INTERNAL_ERROR, connectBytes, connectStarted);
        return;
      }
    }
    client.send(text);
    if (client.writeQueueFull()) {
      upstream.pause();
      client.drainHandler(v -> {
        if (state != State.CLOSED) {
          upstream.resume();
        }
      });
    }
  }

  private void onUpstreamClosed() {
    if (state == State.CLOSED) {
      return;
    }
    if (state == State.CONNECTING) {
      connectRefused("upstream_closed", "bad_gateway", INTERNAL_ERROR, 0, System.nanoTime());
      return;
    }
    Short code = upstream.closeStatusCode();
    shutdown(code != null && code == NORMAL ? NORMAL : INTERNAL_ERROR);
  }

  // ------------------------------------------------------------------ closing

  /** Records the decision that ends the socket, then closes both sides with {@code code}. */
  private void closeFor(String reason, short code, String messageType, long bytes, long started) {
    if (state == State.CLOSED) {
      return;
    }
    audit.record(false, reason, messageType, Map.of(), (int) code, bytes, 0, started);
    shutdown(code);
  }

  private void shutdown(short code) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    endpoint.socketClosed();
    cancelTimers();
    client.close(code, closeReason(code));
    if (upstream != null) {
      upstream.close(NORMAL);
    }
    releaseRuntime();
  }

  private void cancelTimers() {
    if (connectTimer != -1) {
      endpoint.vertx().cancelTimer(connectTimer);
      connectTimer = -1;
    }
    if (recheckTimer != -1) {
      endpoint.vertx().cancelTimer(recheckTimer);
      recheckTimer = -1;
    }
  }

  /** Generic close reasons, the same words as the HTTP error bodies. */
  private static String closeReason(short code) {
    return switch (code) {
      case POLICY_VIOLATION -> "forbidden";
      case MESSAGE_TOO_BIG -> "payload_too_large";
      case UNSUPPORTED_DATA -> "unsupported_data";
      case INTERNAL_ERROR, TRY_AGAIN_LATER -> "unavailable";
      default -> "";
    };
  }

  @Override
  public String toString() {
    return "SocketIoSession[requestId=" + handshake.requestId() + ", state=" + state + "]";
  }
}
