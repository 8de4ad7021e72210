package dev.gatehouse.gateway.tier;

import dev.gatehouse.gateway.store.ChangeFeed;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.blob.SecretBlobSealer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workspaces whose runtime runs elsewhere, in an operator's orchestrator: each is mapped to a
 * runtime URL and that runtime's API key, and its exchanges go there; every other workspace (and
 * every anonymous request) goes to the {@code local} tier. Placements live in the
 * {@code runtime_placements} table with the key sealed by the secrets module (blob name
 * {@code gateway/runtime-key/<workspace>}); a change made on any node is announced on the
 * {@link ChangeFeed} ({@code placements}) and every node reloads.
 *
 * <p>Fails closed: a placement whose key cannot be unsealed answers its workspace 503
 * ({@code runtime_failed}) instead of sending it to the local tier. No key appears in a log or
 * an exception message.
 */
public final class RemotePlacements implements RuntimeTier {

  /** Prefix of the sealed blob names. */
  public static final String BLOB_PREFIX = "gateway/runtime-key/";
  /** Retry-After for a placement whose key could not be opened (an operator must act). */
  static final long BROKEN_RETRY_SECONDS = 60;

  private static final Logger LOG = LoggerFactory.getLogger(RemotePlacements.class);

  /** A workspace's placement as this node holds it: the target, or empty when its key did not open. */
  private record Placed(URI url, Optional<RuntimeTarget> target) {}

  private final Vertx vertx;
  private final Pool pool;
  private final SecretBlobSealer sealer;
  private final RuntimeTier local;
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong applied = new AtomicLong();
  private volatile Map<String, Placed> placed = Map.of();

  public RemotePlacements(Vertx vertx, Pool pool, SecretBlobSealer sealer, ChangeFeed feed, RuntimeTier local) {
    this.vertx = vertx;
    this.pool = pool;
    this.sealer = sealer;
    this.local = local;
    feed.onMessage(message -> {
      if (ChangeFeed.PLACEMENTS.equals(message)) {
        reload();
      }
    });
    feed.onResubscribe(v -> reload());
  }

  /** Loads every placement; fails if the table cannot be read. */
  public Future<Void> start() {
    return reload();
  }

  /**
   * A runtime URL an operator may name: {@code http} or {@code https}, a host, no user info, no
   * path beyond {@code /}, no query or fragment. Empty for anything else.
   */
  public static Optional<URI> parseUrl(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      URI url = new URI(text);
      boolean web = "http".equals(url.getScheme()) || "https".equals(url.getScheme());
      boolean bare = (url.getRawPath() == null || url.getRawPath().isEmpty() || "/".equals(url.getRawPath()))
          && url.getRawQuery() == null && url.getRawFragment() == null && url.getRawUserInfo() == null;
      if (!web || !bare || url.getHost() == null) {
        return Optional.empty();
      }
      return Optional.of(new URI(url.getScheme(), null, url.getHost(), url.getPort(), null, null, null));
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }

  /** The URL {@code workspace}'s runtime is placed at, if it is placed remotely. */
  public Optional<URI> placement(String workspace) {
    return Optional.ofNullable(placed.get(workspace)).map(Placed::url);
  }

  /**
   * Places {@code workspace}'s runtime at {@code url} on every node, replacing any earlier
   * placement. The key is sealed off the event loop and stored only sealed.
   *
   * @throws IllegalArgumentException (failed future) if the key is not visible ASCII
   */
  public Future<Void> place(UUID workspace, URI url, SecretValue apiKey) {
    try {
      new RuntimeTarget(url, Optional.of(apiKey));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return vertx.executeBlocking(() -> sealer.seal(BLOB_PREFIX + workspace, apiKey), false)
        .compose(sealed -> pool.withTransaction(conn -> conn
            .preparedQuery("INSERT INTO runtime_placements (workspace_id, url, key_sealed) VALUES ($1, $2, $3) "
                + "ON CONFLICT (workspace_id) DO UPDATE SET url = $2, key_sealed = $3, updated_at = now()")
            .execute(Tuple.of(workspace, url.toString(), sealed))
            .compose(v -> ChangeFeed.publish(conn, ChangeFeed.PLACEMENTS))))
        .compose(v -> reload());
  }

  /** Sends {@code workspace} back to the local tier on every node; false if it was not placed. */
  public Future<Boolean> remove(UUID workspace) {
    return pool.withTransaction(conn -> conn
            .preparedQuery("DELETE FROM runtime_placements WHERE workspace_id = $1").execute(Tuple.of(workspace))
            .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(false)
                : ChangeFeed.publish(conn, ChangeFeed.PLACEMENTS).map(true)))
        .compose(removed -> reload().map(removed));
  }

  @Override
  public Future<RuntimeLease> acquire(Optional<String> workspace) {
    Placed remote = workspace.map(placed::get).orElse(null);
    if (remote == null) {
      return local.acquire(workspace);
    }
    return remote.target().map(target -> Future.succeededFuture(RuntimeLease.fixed(target)))
        .orElseGet(() -> Future.failedFuture(
            RuntimeUnavailable.retryLater(RuntimeUnavailable.FAILED, BROKEN_RETRY_SECONDS)));
  }

  /** The local tier's data only: a remote runtime's data is its operator's. */
  @Override
  public Future<Void> erase(String workspace) {
    return local.erase(workspace);
  }

  @Override
  public Optional<URI> sharedRuntime() {
    return local.sharedRuntime();
  }

  @Override
  public String describe() {
    int remote = placed.size();
    return remote == 0 ? local.describe() : local.describe() + " (+" + remote + " remote)";
  }

  @Override
  public Future<Void> close() {
    return local.close();
  }

  private Future<Void> reload() {
    long ticket = started.incrementAndGet();
    return pool.query("SELECT workspace_id, url, key_sealed FROM runtime_placements").execute()
        .compose(rows -> vertx.executeBlocking(() -> {
          Map<String, Placed> next = new HashMap<>();
          for (Row row : rows) {
            String workspace = row.getUUID("workspace_id").toString();
            URI url = URI.create(row.getString("url"));
            next.put(workspace, new Placed(url, open(workspace, url, row.getString("key_sealed"))));
          }
          return next;
        }, false))
        .<Void>map(next -> {
          synchronized (this) {
            if (ticket > applied.get()) {
              applied.set(ticket);
              placed = Map.copyOf(next);
            }
          }
          return null;
        })
        .onFailure(failure -> LOG.warn("runtime placement reload failed: kind={}", failure.getClass().getSimpleName()));
  }

  private Optional<RuntimeTarget> open(String workspace, URI url, String sealed) {
    try (SecretValue key = sealer.open(BLOB_PREFIX + workspace, sealed)) {
      return Optional.of(new RuntimeTarget(url, Optional.of(key)));
    } catch (Exception e) {
      LOG.error("runtime key of workspace {} could not be opened ({}); its requests are refused until it is placed again",
          workspace, e.getClass().getSimpleName());
      return Optional.empty();
    }
  }
}
