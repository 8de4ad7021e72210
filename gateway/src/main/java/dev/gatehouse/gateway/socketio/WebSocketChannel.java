package dev.gatehouse.gateway.socketio;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;

/**
 * A session's client over a WebSocket: frames are joined into messages here (binary messages and
 * messages over {@code socketio.maxMessageBytes} end the session), then handed to the session on
 * its own event loop (another than the socket's after an upgrade from polling) one at a time.
 */
final class WebSocketChannel implements ClientChannel {

  private final SocketIoSession session;
  private final ServerWebSocket socket;
  private final Context context;
  private final int maxMessageBytes;
  private final InboundQueue inbound;
  private Buffer message;
  private boolean binaryMessage;

  WebSocketChannel(SocketIoSession session, ServerWebSocket socket, Context context, int maxMessageBytes) {
    this.session = session;
    this.socket = socket;
    this.context = context;
    this.maxMessageBytes = maxMessageBytes;
    this.inbound = new InboundQueue(session);
  }

  /** Starts reading the socket: from now on its messages and its end go to the session. */
  void attach() {
    socket.frameHandler(frame -> onContext(() -> onFrame(frame)));
    socket.closeHandler(v -> onContext(session::onClientClosed));
    socket.exceptionHandler(e -> onContext(() -> session.onClientError(e)));
  }

  private void onContext(Runnable action) {
    if (context == io.vertx.core.Vertx.currentContext()) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  private void onFrame(WebSocketFrame frame) {
    if (frame.isText() || frame.isBinary()) {
      message = Buffer.buffer();
      binaryMessage = frame.isBinary();
    } else if (!frame.isContinuation() || message == null) {
      return;
    }
    message.appendBuffer(frame.binaryData());
    if (message.length() > maxMessageBytes) {
      long size = message.length();
      message = null;
      session.onTooLarge(size);
      return;
    }
    if (frame.isFinal()) {
      Buffer complete = message;
      message = null;
      if (binaryMessage) {
        session.onBinary(complete.length());
      } else {
        inbound.add(complete.toString(StandardCharsets.UTF_8), complete.length());
      }
    }
  }

  @Override
  public void send(String packet) {
    socket.writeTextMessage(packet);
  }

  @Override
  public void pause() {
    inbound.pause();
    socket.pause();
  }

  @Override
  public void resume() {
    inbound.resume();
    socket.resume();
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    socket.drainHandler(handler);
  }

  @Override
  public void close(short code, String reason) {
    socket.close(code, reason);
  }
}
