package dev.gatehouse.gateway.block;

import dev.gatehouse.gateway.store.ChangeFeed;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client addresses the gateway refuses (403 {@code address_blocked}) until the block expires:
 * the {@code address_blocks} table, mirrored in memory on every node. A change is committed with
 * its {@link ChangeFeed} message ({@value #FEED_MESSAGE}), applied to this node at once and to
 * every other node when the message arrives; every (re)subscription reloads the table, because
 * messages sent while disconnected are lost. Addresses are exact IP literals in canonical form.
 *
 * <p>{@link #isBlocked} is lock-free and allocation-free while nothing is blocked.
 */
public final class AddressBlocks {

  /** Change-feed message announcing a block change. */
  public static final String FEED_MESSAGE = "blocks";
  /** Longest block: {@value #MAX_DAYS} days. */
  public static final long MAX_DAYS = 30;
  public static final Duration MAX_DURATION = Duration.ofDays(MAX_DAYS);
  /** Longest reason: {@value} characters. */
  public static final int MAX_REASON = 200;

  private static final Logger LOG = LoggerFactory.getLogger(AddressBlocks.class);

  private final Pool pool;
  private final Clock clock;
  private final Map<String, Instant> blocked = new ConcurrentHashMap<>();

  public AddressBlocks(Pool pool, ChangeFeed feed, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    feed.onMessage(message -> {
      if (FEED_MESSAGE.equals(message)) {
        reload();
      }
    });
    feed.onResubscribe(v -> reload());
  }

  /** Loads the live blocks; the feed keeps them current afterwards. */
  public Future<Void> start() {
    return reload();
  }

  /**
   * The canonical form of an IP literal (IPv4 dotted quad, IPv6 compressed lower case), or empty
   * if {@code address} is not one. Never resolves names.
   */
  public static Optional<String> canonical(String address) {
    if (address == null) {
      return Optional.empty();
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    return bytes == null ? Optional.empty() : Optional.of(NetUtil.bytesToIpAddress(bytes));
  }

  /** Whether requests from {@code clientAddress} are refused now. */
  public boolean isBlocked(String clientAddress) {
    if (blocked.isEmpty() || clientAddress == null) {
      return false;
    }
    Instant until = blocked.get(clientAddress);
    if (until == null) {
      until = canonical(clientAddress).map(blocked::get).orElse(null);
    }
    return until != null && until.isAfter(clock.instant());
  }

  /**
   * Blocks (or re-blocks, replacing the expiry and reason) a canonical address for
   * {@code duration}; returns the block as {@link #list()} shows it.
   */
  public Future<JsonObject> add(String address, Duration duration, String reason, String actor) {
    Instant now = clock.instant();
    Instant expires = now.plus(duration);
    return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO address_blocks (address, reason, created_by, "
                + "created_at, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (address) DO UPDATE SET "
                + "reason = EXCLUDED.reason, created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at, "
                + "expires_at = EXCLUDED.expires_at RETURNING *")
            .execute(Tuple.of(address, reason, actor, now.atOffset(ZoneOffset.UTC), expires.atOffset(ZoneOffset.UTC)))
            .compose(rows -> ChangeFeed.publish(conn, FEED_MESSAGE).map(rows.iterator().next())))
        .map(row -> {
          blocked.put(address, expires);
          return toJson(row);
        });
  }

  /** Lifts a block; false if the address was not blocked. */
  public Future<Boolean> remove(String address) {
    return pool.withTransaction(conn -> conn.preparedQuery("DELETE FROM address_blocks WHERE address = $1")
            .execute(Tuple.of(address))
            .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(false)
                : ChangeFeed.publish(conn, FEED_MESSAGE).map(true)))
        .onSuccess(removed -> blocked.remove(address));
  }

  /** Blocks that have not expired, soonest expiry first. */
  public Future<List<JsonObject>> list() {
    return pool.query("SELECT * FROM address_blocks WHERE expires_at > now() ORDER BY expires_at, address").execute()
        .map(rows -> {
          List<JsonObject> all = new ArrayList<>();
          rows.forEach(row -> all.add(toJson(row)));
          return all;
        });
  }

  private Future<Void> reload() {
    return pool.query("SELECT address, expires_at FROM address_blocks WHERE expires_at > now()").execute()
        .<Void>map(rows -> {
          Map<String, Instant> live = new ConcurrentHashMap<>();
          rows.forEach(row -> live.put(row.getString("address"), row.getOffsetDateTime("expires_at").toInstant()));
          blocked.keySet().retainAll(live.keySet());
          blocked.putAll(live);
          return null;
        })
        .onFailure(e -> LOG.warn("address block reload failed: kind={}", e.getClass().getSimpleName()));
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject()
        .put("address", row.getString("address"))
        .put("reason", row.getString("reason"))
        .put("createdBy", row.getString("created_by"))
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
        .put("expiresAt", row.getOffsetDateTime("expires_at").toInstant().toString());
  }
}
