package dev.gatehouse.gateway.socketio;

import java.util.ArrayDeque;

/**
 * Client messages waiting for their session, handed over one at a time and in order: while the
 * session is deciding one (paused), the next ones wait here. Used on the session's event loop only.
 */
final class InboundQueue {

  private record Message(String text, long bytes) {}

  private final SocketIoSession session;
  private final ArrayDeque<Message> messages = new ArrayDeque<>();
  private Runnable whenEmpty = () -> { };
  private boolean paused;
  private boolean delivering;

  InboundQueue(SocketIoSession session) {
    this.session = session;
  }

  void add(String text, long bytes) {
    messages.add(new Message(text, bytes));
    deliver();
  }

  void pause() {
    paused = true;
  }

  void resume() {
    paused = false;
    deliver();
  }

  /** Runs {@code action} (once) as soon as every queued message has been handed over. */
  void whenEmpty(Runnable action) {
    whenEmpty = action;
    deliver();
  }

  private void deliver() {
    if (delivering) {
      return;
    }
    delivering = true;
    try {
      while (!paused && !messages.isEmpty()) {
        Message next = messages.poll();
        session.onMessage(next.text(), next.bytes());
      }
      if (messages.isEmpty()) {
        Runnable action = whenEmpty;
        whenEmpty = () -> { };
        action.run();
      }
    } finally {
      delivering = false;
    }
  }
}
