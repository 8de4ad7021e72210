package dev.gatehouse.gateway.egress;

import dev.gatehouse.gateway.store.ChangeFeed;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.blob.SecretBlobSealer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workspaces' model-provider keys ({@code egress_provider_keys}), sealed by the node's key
 * provider under the blob name {@code gateway/provider-key/<workspace>/<provider>} and opened
 * only here, in the gateway's memory, when a call is forwarded.
 *
 * <p>An opened key is kept for at most {@link #CACHE_DURATION} so that a burst of calls costs one
 * key-provider call; a change on any node is announced on the {@link ChangeFeed}
 * ({@value #FEED_MESSAGE}) and empties every node's cache. No key appears in a log, an exception
 * or a listing.
 */
public final class ProviderKeys {

  /** Prefix of the sealed blob names. */
  public static final String BLOB_PREFIX = "gateway/provider-key/";
  /** How long an opened key is reused. */
  public static final Duration CACHE_DURATION = Duration.ofSeconds(60);
  static final String FEED_MESSAGE = "egress-keys";
  /** Longest key accepted. */
  public static final int MAX_KEY_LENGTH = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(ProviderKeys.class);

  private record Opened(String key, long expiresNanos) {}

  private final Vertx vertx;
  private final Pool pool;
  private final SecretBlobSealer sealer;
  private final Map<String, Opened> cache = new ConcurrentHashMap<>();

  public ProviderKeys(Vertx vertx, Pool pool, SecretBlobSealer sealer, ChangeFeed feed) {
    this.vertx = vertx;
    this.pool = pool;
    this.sealer = sealer;
    feed.onMessage(message -> {
      if (FEED_MESSAGE.equals(message)) {
        cache.clear();
      }
    });
    feed.onResubscribe(v -> cache.clear());
  }

  /**
   * Whether {@code key} may be stored: visible ASCII only (it becomes a header value), at most
   * {@value #MAX_KEY_LENGTH} characters.
   */
  public static boolean acceptable(String key) {
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      return false;
    }
    return key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  /** Seals {@code key} (off the event loop) and stores it as {@code workspace}'s key for {@code provider}. */
  public Future<Void> put(UUID workspace, Provider provider, SecretValue key) {
    return vertx.executeBlocking(() -> sealer.seal(blobName(workspace, provider), key), false)
        .compose(sealed -> pool.withTransaction(conn -> conn
            .preparedQuery("INSERT INTO egress_provider_keys (workspace_id, provider, key_sealed) VALUES ($1, $2, $3) "
                + "ON CONFLICT (workspace_id, provider) DO UPDATE SET key_sealed = $3, updated_at = now()")
            .execute(Tuple.of(workspace, provider.id(), sealed))
            .compose(v -> ChangeFeed.publish(conn, FEED_MESSAGE))));
  }

  /** Removes the key; false if there was none. */
  public Future<Boolean> delete(UUID workspace, Provider provider) {
    return pool.withTransaction(conn -> conn
        .preparedQuery("DELETE FROM egress_provider_keys WHERE workspace_id = $1 AND provider = $2")
        .execute(Tuple.of(workspace, provider.id()))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(false)
            : ChangeFeed.publish(conn, FEED_MESSAGE).map(true)));
  }

  /** {@code [{"provider","updatedAt"}]}: which keys a workspace has, never a value. */
  public Future<JsonArray> list(UUID workspace) {
    return pool.preparedQuery("SELECT provider, updated_at FROM egress_provider_keys WHERE workspace_id = $1 "
            + "ORDER BY provider")
        .execute(Tuple.of(workspace))
        .map(rows -> {
          JsonArray out = new JsonArray();
          for (Row row : rows) {
            out.add(new JsonObject().put("provider", row.getString("provider"))
                .put("updatedAt", row.getOffsetDateTime("updated_at").toInstant().toString()));
          }
          return out;
        });
  }

  /**
   * The opened key, or empty when the workspace has none. Fails (the call is refused) when the
   * database or the key provider cannot be reached or the sealed key does not open.
   */
  Future<Optional<String>> open(UUID workspace, Provider provider) {
    String name = blobName(workspace, provider);
    Opened cached = cache.get(name);
    if (cached != null && System.nanoTime() - cached.expiresNanos() < 0) {
      return Future.succeededFuture(Optional.of(cached.key()));
    }
    return pool.preparedQuery("SELECT key_sealed FROM egress_provider_keys WHERE workspace_id = $1 AND provider = $2")
        .execute(Tuple.of(workspace, provider.id()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<String>empty());
          }
          String sealed = rows.iterator().next().getString("key_sealed");
          return vertx.executeBlocking(() -> {
            try (SecretValue key = sealer.open(name, sealed)) {
              String opened = key.revealUtf8();
              cache.put(name, new Opened(opened, System.nanoTime() + CACHE_DURATION.toNanos()));
              return Optional.of(opened);
            } catch (Exception e) {
              LOG.error("provider key of workspace {} for {} could not be opened ({})", workspace, provider.id(),
                  e.getClass().getSimpleName());
              throw new IllegalStateException("provider key could not be opened");
            }
          }, false);
        });
  }

  private static String blobName(UUID workspace, Provider provider) {
    return BLOB_PREFIX + workspace + "/" + provider.id();
  }
}
