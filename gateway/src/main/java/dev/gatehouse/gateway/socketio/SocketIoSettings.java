package dev.gatehouse.gateway.socketio;

import dev.gatehouse.gateway.limit.RateBudget;
import java.time.Duration;

/**
 * Limits of the Socket.IO endpoint (configuration keys under {@code socketio.}).
 *
 * @param maxMessageBytes largest client WebSocket message (all frames of it together), in UTF-8
 *     bytes; a larger one closes the socket with 1009
 * @param messageRate per-socket budget of client messages; exceeding it closes the socket with 1008
 * @param recheckInterval how often an open socket re-checks its token (expiry, revocation,
 *     workspace lock); a failed check closes it with 1008
 * @param connectTimeout how long a client has, after the upgrade, to send its Socket.IO CONNECT
 *     packet; also bounds the runtime's handshake
 */
public record SocketIoSettings(int maxMessageBytes, RateBudget messageRate, Duration recheckInterval,
    Duration connectTimeout) {

  /** {@code socketio.maxMessageBytes}: 64 KiB, far above a chat message, below the runtime's 1 MB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
  /** Upper bound of {@code socketio.maxMessageBytes}: the runtime's own limit (1 MB). */
  public static final int MAX_MESSAGE_BYTES_LIMIT = 1_000_000;
  /** {@code socketio.messageRate}: a burst of 20 messages, then one every 100 ms (10 per second). */
  public static final RateBudget DEFAULT_MESSAGE_RATE = new RateBudget(20, Duration.ofMillis(100));
  /** {@code socketio.recheckInterval}: 1 s, the longest a socket outlives its token. */
  public static final Duration DEFAULT_RECHECK_INTERVAL = Duration.ofSeconds(1);
  /** {@code socketio.connectTimeout}: 10 s, as the runtime's own Socket.IO server. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  public static SocketIoSettings defaults() {
    return new SocketIoSettings(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MESSAGE_RATE, DEFAULT_RECHECK_INTERVAL,
        DEFAULT_CONNECT_TIMEOUT);
  }
}
