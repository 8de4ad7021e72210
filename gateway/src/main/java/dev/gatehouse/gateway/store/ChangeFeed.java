package dev.gatehouse.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's view of authentication changes made by any node: a PostgreSQL {@code LISTEN} on
 * {@link #CHANNEL}, kept open by a dedicated {@link PgSubscriber} that reconnects forever.
 *
 * <p>Writers call {@link #publish} inside the transaction that makes the change, so a message is
 * delivered exactly when the change is committed. Messages are hints: {@code revoke:<jti>} for one
 * revoked token, {@code sync} for revocations and workspace locks, {@code keys} for signing keys,
 * {@code issuers} for external issuers, {@code placements} for remote runtimes, {@code sessions}
 * for ended browser sessions. After every
 * (re)subscription the resync handlers run, because messages sent while disconnected are lost.
 * {@link #connected()} is false while the connection is down; consumers treat that as "state may
 * be stale" and fail closed.
 */
public final class ChangeFeed {

  public static final String CHANNEL = "gatehouse_authn";
  public static final String SYNC = "sync";
  public static final String KEYS = "keys";
  public static final String ISSUERS = "issuers";
  public static final String PLACEMENTS = "placements";
  public static final String SESSIONS = "sessions";
  public static final String REVOKE_PREFIX = "revoke:";
  /** Delay between reconnection attempts. */
  static final long RECONNECT_DELAY_MS = 500;

  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);

  private final PgSubscriber subscriber;
  private final List<Handler<String>> messageHandlers = new CopyOnWriteArrayList<>();
  private final List<Handler<Void>> resyncHandlers = new CopyOnWriteArrayList<>();

  public ChangeFeed(Vertx vertx, PgConnectOptions connectOptions) {
    this.subscriber = PgSubscriber.subscriber(vertx, connectOptions)
        .reconnectPolicy(attempt -> {
          if (attempt == 0) {
            LOG.warn("change feed disconnected; reconnecting");
          }
          return RECONNECT_DELAY_MS;
        });
    subscriber.channel(CHANNEL)
        .subscribeHandler(v -> resyncHandlers.forEach(h -> h.handle(null)))
        .handler(message -> messageHandlers.forEach(h -> h.handle(message)));
  }

  /** Sends {@code message} to every node (this one included) when the surrounding transaction commits. */
  public static Future<Void> publish(SqlClient client, String message) {
    return client.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(CHANNEL, message)).mapEmpty();
  }

  /** Registers a handler for every message; register before {@link #start()}. */
  public void onMessage(Handler<String> handler) {
    messageHandlers.add(handler);
  }

  /** Registers a handler that runs after every subscription, the first one included. */
  public void onResubscribe(Handler<Void> handler) {
    resyncHandlers.add(handler);
  }

  /** Connects and subscribes; fails if the first connection fails. */
  public Future<Void> start() {
    return subscriber.connect();
  }

  public boolean connected() {
    return !subscriber.closed() && subscriber.actualConnection() != null;
  }

  public Future<Void> close() {
    return subscriber.close();
  }
}
