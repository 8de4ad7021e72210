package dev.gatehouse.gateway.ownership;

import dev.gatehouse.gateway.store.ChangeFeed;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which workspace owns each runtime resource (the {@code resources} table), with a bounded
 * per-node cache kept coherent across nodes by the {@link ChangeFeed}.
 *
 * <h3>Guarantees</h3>
 * <ul>
 *   <li>First claim wins, atomically across nodes: {@link #claim} never moves an id from one
 *       workspace to another, and ownership is never released (a deleted resource's id stays
 *       with its workspace, so nobody else can claim it later).</li>
 *   <li>An id nobody claimed is owned by nobody: {@link #owns} is false for every workspace.</li>
 *   <li>Fail closed: a database error is a failed future, which callers treat as a denial.
 *       "Nobody" is cached only while the change feed is connected, and every cached entry is
 *       dropped after the feed reconnects; a claim elsewhere evicts this node's entry when its
 *       notification arrives (until then this node answers "not owned": a denial, never a grant).</li>
 *   <li>Each workspace has at most one message server ({@link #messageServer}), created in the
 *       runtime on first use, once per node even under concurrent requests.</li>
 * </ul>
 */
public final class OwnershipRegistry {

  /** Ownership lookups kept per node. */
  public static final int CACHE_CAPACITY = 100_000;
  /** Change-feed message announcing a claim: {@code resource:<kind>:<id>}. */
  public static final String FEED_PREFIX = "resource:";

  private static final Logger LOG = LoggerFactory.getLogger(OwnershipRegistry.class);
  private static final String UNIQUE_VIOLATION = "23505";

  private final Pool pool;
  private final ChangeFeed feed;
  private final MessageServerProvisioner provisioner;
  private final OwnerCache cache = new OwnerCache(CACHE_CAPACITY);
  private final Map<String, Future<String>> messageServers = new ConcurrentHashMap<>();

  public OwnershipRegistry(Pool pool, ChangeFeed feed, MessageServerProvisioner provisioner) {
    this.pool = pool;
    this.feed = feed;
    this.provisioner = provisioner;
    feed.onMessage(message -> {
      if (message.startsWith(FEED_PREFIX)) {
        cache.remove(message.substring(FEED_PREFIX.length()));
      }
    });
    feed.onResubscribe(v -> cache.clear());
  }

  /** True when {@code workspaceId} owns the resource; false when another workspace or nobody does. */
  public Future<Boolean> owns(String workspaceId, ResourceKind kind, String id) {
    return owner(kind, id).map(owner -> owner.isPresent() && owner.get().equals(workspaceId));
  }

  /** The owning workspace, or empty when nobody claimed the id. */
  public Future<Optional<String>> owner(ResourceKind kind, String id) {
    String key = OwnerCache.key(kind, id);
    Optional<Optional<String>> cached = cache.get(key);
    if (cached.isPresent()) {
      return Future.succeededFuture(cached.get());
    }
    boolean feedUp = feed.connected();
    return pool.preparedQuery("SELECT workspace_id FROM resources WHERE kind = $1 AND id = $2")
        .execute(Tuple.of(kind.key(), id))
        .map(rows -> {
          Optional<String> owner = first(rows);
          if (owner.isPresent() || feedUp) {
            cache.put(key, owner);
          }
          return owner;
        });
  }

  /**
   * Records {@code workspaceId} as the owner unless someone already owns the id.
   *
   * @return true when the workspace owns the id afterwards (newly or already), false when another
   *     workspace does
   */
  public Future<Boolean> claim(String workspaceId, ResourceKind kind, String id) {
    UUID workspace = UUID.fromString(workspaceId);
    return pool.withTransaction(conn -> conn
            .preparedQuery("INSERT INTO resources (kind, id, workspace_id) VALUES ($1, $2, $3) "
                + "ON CONFLICT (kind, id) DO NOTHING RETURNING workspace_id")
            .execute(Tuple.of(kind.key(), id, workspace))
            .compose(inserted -> inserted.rowCount() == 1
                ? ChangeFeed.publish(conn, FEED_PREFIX + OwnerCache.key(kind, id)).map(true)
                : Future.succeededFuture(false)))
        .compose(inserted -> {
          if (inserted) {
            cache.put(OwnerCache.key(kind, id), Optional.of(workspaceId));
            return Future.succeededFuture(true);
          }
          cache.remove(OwnerCache.key(kind, id));
          return owns(workspaceId, kind, id);
        });
  }

  /**
   * The id of the workspace's own message server, creating it in the runtime on first use.
   * Concurrent callers on this node share one creation; when two nodes race, the first recorded
   * server wins and the other is left unused in the runtime (logged).
   */
  public Future<String> messageServer(String workspaceId) {
    Promise<String> promise = Promise.promise();
    Future<String> mine = promise.future();
    // A failed attempt is replaced, so the next caller retries.
    Future<String> current = messageServers.compute(workspaceId,
        (id, known) -> known == null || known.failed() ? mine : known);
    if (current != mine) {
      return current;
    }
    lookUpMessageServer(workspaceId)
        .compose(existing -> existing.isPresent()
            ? Future.succeededFuture(existing.get())
            : provisionMessageServer(workspaceId))
        .onComplete(promise);
    return mine;
  }

  private Future<Optional<String>> lookUpMessageServer(String workspaceId) {
    return pool.preparedQuery("SELECT id FROM resources WHERE workspace_id = $1 AND kind = $2")
        .execute(Tuple.of(UUID.fromString(workspaceId), ResourceKind.MESSAGE_SERVER.key()))
        .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("id")));
  }

  private Future<String> provisionMessageServer(String workspaceId) {
    return provisioner.create(workspaceId)
        .compose(id -> claim(workspaceId, ResourceKind.MESSAGE_SERVER, id)
            .compose(owned -> owned ? Future.succeededFuture(id)
                : Future.failedFuture(new IllegalStateException("new message server id already owned")))
            .recover(failure -> {
              if (failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                LOG.warn("another node created this workspace's message server first; one runtime server is left unused");
                return lookUpMessageServer(workspaceId).map(Optional::orElseThrow);
              }
              return Future.failedFuture(failure);
            }));
  }

  private static Optional<String> first(RowSet<Row> rows) {
    return rows.rowCount() == 0 ? Optional.empty()
        : Optional.of(rows.iterator().next().getUUID("workspace_id").toString());
  }
}
