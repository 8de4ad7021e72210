package dev.gatehouse.gateway.socketio;

import io.vertx.core.Handler;

/**
 * How a {@link SocketIoSession} reaches its client: a WebSocket ({@link WebSocketChannel}), or
 * Engine.IO long-polling ({@link PollingChannel}) until the client upgrades to one. Used on the
 * session's event loop only; every complete client message goes to
 * {@link SocketIoSession#onMessage}, whatever the transport.
 */
interface ClientChannel {

  /** Queues one Engine.IO packet for the client. */
  void send(String packet);

  /** Stops handing client messages to the session until {@link #resume}. */
  void pause();

  void resume();

  /** Whether the client is not taking packets as fast as they come: stop relaying until drained. */
  boolean writeQueueFull();

  /** Called once when the client has taken what was queued. */
  void drainHandler(Handler<Void> handler);

  /** Ends the client side with a WebSocket close code (polling: the Engine.IO close packet). */
  void close(short code, String reason);
}
