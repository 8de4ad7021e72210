package dev.gatehouse.gateway.ownership;

import dev.gatehouse.gateway.store.ChangeFeed;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

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
 *   <li>Ids are compared by value ({@link ResourceId#canonical}): a UUID in upper case, without
 *       hyphens or in braces names the same resource as its canonical spelling, as it does in the
 *       runtime's database.</li>
 *   <li>Fail closed: a database error is a failed future, which callers treat as a denial.
 *       "Nobody" is cached only while the change feed is connected, and every cached entry is
 *       dropped after the feed reconnects; a claim elsewhere evicts this node's entry when its
 *       notification arrives (until then this node answers "not owned": a denial, never a grant).</li>
 *   <li>A workspace's message server is its runtime's own default server,
 *       {@value #RUNTIME_MESSAGE_SERVER} (the id the elizaOS client uses): with a runtime per
 *       workspace it holds that workspace's conversations only; with a shared runtime it holds
 *       every workspace's, and its channels, agents and messages are owned one by one. It is
 *       every workspace's to name ({@link #owns}); other message servers are owned as claimed.
 *       elizaOS agents answer only in message servers they belong to, and the runtime adds its
 *       agents to its default server only.</li>
 * </ul>
 */
public final class OwnershipRegistry {

  /** The elizaOS runtime's default message server, which every workspace works in. */
  public static final String RUNTIME_MESSAGE_SERVER = "00000000-0000-0000-0000-000000000000";
  /** Ownership lookups kept per node. */
  public static final int CACHE_CAPACITY = 100_000;
  /** Change-feed message announcing a claim: {@code resource:<kind>:<id>}. */
  public static final String FEED_PREFIX = "resource:";

  private final Pool pool;
  private final ChangeFeed feed;
  private final OwnerCache cache = new OwnerCache(CACHE_CAPACITY);

  public OwnershipRegistry(Pool pool, ChangeFeed feed) {
    this.pool = pool;
    this.feed = feed;
    feed.onMessage(message -> {
      if (message.startsWith(FEED_PREFIX)) {
        cache.remove(message.substring(FEED_PREFIX.length()));
      }
    });
    feed.onResubscribe(v -> cache.clear());
  }

  /**
   * True when {@code workspaceId} owns the resource; false when another workspace or nobody does.
   * The runtime's default message server is every workspace's.
   */
  public Future<Boolean> owns(String workspaceId, ResourceKind kind, String id) {
    if (kind == ResourceKind.MESSAGE_SERVER && RUNTIME_MESSAGE_SERVER.equals(ResourceId.canonical(id))) {
      return Future.succeededFuture(true);
    }
    return owner(kind, id).map(owner -> owner.isPresent() && owner.get().equals(workspaceId));
  }

  /** The owning workspace, or empty when nobody claimed the id. */
  public Future<Optional<String>> owner(ResourceKind kind, String spelled) {
    String id = ResourceId.canonical(spelled);
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
  public Future<Boolean> claim(String workspaceId, ResourceKind kind, String spelled) {
    String id = ResourceId.canonical(spelled);
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

  private static Optional<String> first(RowSet<Row> rows) {
    return rows.rowCount() == 0 ? Optional.empty()
        : Optional.of(rows.iterator().next().getUUID("workspace_id").toString());
  }
}
