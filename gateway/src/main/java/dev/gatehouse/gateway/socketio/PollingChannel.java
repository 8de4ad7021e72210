package dev.gatehouse.gateway.socketio;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's client over Engine.IO v4 long-polling, the transport browsers start with:
 * {@code GET ?sid=} waits for the packets queued for the client (joined by the record separator),
 * {@code POST ?sid=} carries the client's packets, answered {@code ok} once the session has
 * decided every one of them (so a client never has two batches in flight). The client may then
 * upgrade: a WebSocket with the same {@code sid} sends {@code 2probe}, gets {@code 3probe}, the
 * waiting poll is answered with a no-op, and the client's {@code 5} moves the session onto the
 * WebSocket ({@link SocketIoSession#switchTo}), with whatever was still queued sent there first.
 *
 * <p>A client that neither polls nor posts for {@code pingInterval + pingTimeout} has gone: the
 * session ends. Everything runs on the session's event loop; requests from other event loops hop
 * onto it.
 */
final class PollingChannel implements ClientChannel {

  static final String SEPARATOR = "\u001e";
  private static final String NOOP = "6";
  private static final String PROBE = "2probe";
  private static final String PROBE_ANSWER = "3probe";
  private static final String UPGRADE = "5";
  /** Most bytes queued for a client that is not polling before the runtime side is paused. */
  private static final long MAX_QUEUED_BYTES = SocketIoEndpoint.MAX_RUNTIME_MESSAGE_BYTES;

  private final SocketIoSession session;
  private final Vertx vertx;
  private final Context context;
  private final int maxPayload;
  private final long goneAfterMillis;
  private final Runnable unregister;
  private final InboundQueue inbound;
  private final List<String> outbound = new ArrayList<>();
  private long outboundBytes;
  private HttpServerResponse waitingGet;
  private boolean postInFlight;
  private Handler<Void> drain;
  private boolean closed;
  /** The WebSocket being probed, while the client upgrades. */
  private ServerWebSocket upgrading;
  private long lastSeen;
  private long goneTimer;

  /**
   * @param goneAfterMillis silence after which the client counts as gone
   * @param unregister forgets the channel's sid: no more requests reach it
   */
  PollingChannel(SocketIoSession session, Vertx vertx, Context context, int maxPayload, long goneAfterMillis,
      Runnable unregister) {
    this.session = session;
    this.vertx = vertx;
    this.context = context;
    this.maxPayload = maxPayload;
    this.goneAfterMillis = goneAfterMillis;
    this.unregister = unregister;
    this.inbound = new InboundQueue(session);
    this.lastSeen = System.nanoTime();
    this.goneTimer = vertx.setPeriodic(Math.max(1_000, goneAfterMillis / 4), id -> checkGone());
  }

  // ------------------------------------------------------------------ requests (any event loop)

  /** A poll: answered at once when packets are queued, else when the next one is. */
  void get(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    request.resume();
    response.closeHandler(v -> context.runOnContext(x -> {
      if (waitingGet == response) {
        waitingGet = null;
      }
    }));
    context.runOnContext(v -> onGet(response));
  }

  /** A batch of client packets: read (at most {@code maxPayload} bytes), then decided in order. */
  void post(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    Buffer body = Buffer.buffer();
    boolean[] over = {false};
    request.handler(chunk -> {
      if (over[0]) {
        return;
      }
      if (body.length() + chunk.length() > maxPayload) {
        over[0] = true;
        long size = (long) body.length() + chunk.length();
        context.runOnContext(v -> session.onTooLarge(size));
        answer(response, 413, "");
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.endHandler(v -> {
      if (!over[0]) {
        context.runOnContext(x -> onPost(body.toString(StandardCharsets.UTF_8), response));
      }
    });
    request.resume();
  }

  // ------------------------------------------------------------------ on the session's event loop

  private void onGet(HttpServerResponse response) {
    lastSeen = System.nanoTime();
    if (closed && outbound.isEmpty() || waitingGet != null) {
      // Gone, or a second poll at once, which no client sends.
      answer(response, 400, "");
      return;
    }
    if (!outbound.isEmpty()) {
      flush(response);
    } else if (upgrading != null) {
      answer(response, 200, NOOP);
    } else {
      waitingGet = response;
    }
  }

  private void onPost(String body, HttpServerResponse response) {
    lastSeen = System.nanoTime();
    if (closed || postInFlight) {
      // Gone, or a second batch at once, which no client sends.
      answer(response, 400, "");
      return;
    }
    postInFlight = true;
    for (String packet : body.split(SEPARATOR, -1)) {
      if (packet.startsWith("b")) {
        session.onBinary(packet.length());
        break;
      }
      inbound.add(packet, packet.getBytes(StandardCharsets.UTF_8).length);
    }
    inbound.whenEmpty(() -> {
      postInFlight = false;
      answer(response, closed ? 400 : 200, closed ? "" : "ok");
    });
  }

  private void flush(HttpServerResponse response) {
    String body = String.join(SEPARATOR, outbound);
    outbound.clear();
    outboundBytes = 0;
    answer(response, 200, body);
    if (closed) {
      forget();
    }
    Handler<Void> drained = drain;
    drain = null;
    if (drained != null) {
      drained.handle(null);
    }
  }

  private static void answer(HttpServerResponse response, int status, String body) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(body);
  }

  private void checkGone() {
    if (waitingGet == null && !postInFlight && System.nanoTime() - lastSeen > goneAfterMillis * 1_000_000L) {
      forget();
      if (!closed) {
        closed = true;
        session.onClientClosed();
      }
    }
  }

  private void forget() {
    vertx.cancelTimer(goneTimer);
    unregister.run();
  }

  // ------------------------------------------------------------------ upgrade

  /**
   * A WebSocket with this channel's sid: probed, then the session moves onto it. Anything but the
   * probe and the upgrade packet, in that order, closes it and the session stays on polling.
   */
  void upgrade(ServerWebSocket socket) {
    // Handlers first, here: a frame that came before them would be lost.
    boolean[] probed = {false};
    socket.closeHandler(x -> context.runOnContext(y -> {
      if (upgrading == socket) {
        upgrading = null;
      }
    }));
    socket.frameHandler(frame -> context.runOnContext(y -> onUpgradeFrame(socket, frame, probed)));
    context.runOnContext(v -> {
      if (closed || upgrading != null) {
        socket.close(SocketIoSession.POLICY_VIOLATION, "forbidden");
        return;
      }
      upgrading = socket;
    });
  }

  private void onUpgradeFrame(ServerWebSocket socket, WebSocketFrame frame, boolean[] probed) {
    String text = frame.isText() && frame.isFinal() ? frame.textData() : null;
    if (upgrading != socket) {
      return;
    }
    if (closed) {
      socket.close(SocketIoSession.NORMAL, "");
    } else if (!probed[0] && PROBE.equals(text)) {
      probed[0] = true;
      socket.writeTextMessage(PROBE_ANSWER);
      if (waitingGet != null) {
        answer(waitingGet, 200, NOOP);
        waitingGet = null;
      }
    } else if (probed[0] && UPGRADE.equals(text)) {
      WebSocketChannel next = session.webSocketChannel(socket);
      outbound.forEach(next::send);
      outbound.clear();
      closed = true;
      forget();
      if (waitingGet != null) {
        answer(waitingGet, 200, NOOP);
        waitingGet = null;
      }
      session.switchTo(next);
    } else {
      upgrading = null;
      socket.close(SocketIoSession.POLICY_VIOLATION, "forbidden");
    }
  }

  // ------------------------------------------------------------------ ClientChannel

  @Override
  public void send(String packet) {
    outbound.add(packet);
    outboundBytes += packet.length();
    if (waitingGet != null && upgrading == null) {
      HttpServerResponse response = waitingGet;
      waitingGet = null;
      flush(response);
    }
  }

  @Override
  public void pause() {
    inbound.pause();
  }

  @Override
  public void resume() {
    inbound.resume();
  }

  @Override
  public boolean writeQueueFull() {
    return outboundBytes > MAX_QUEUED_BYTES;
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    drain = handler;
  }

  @Override
  public void close(short code, String reason) {
    if (closed) {
      return;
    }
    send("1");
    closed = true;
    if (outbound.isEmpty()) {
      forget();
    } else {
      // Kept until the client polls once more for the close, or counts as gone.
      lastSeen = System.nanoTime();
    }
  }
}
