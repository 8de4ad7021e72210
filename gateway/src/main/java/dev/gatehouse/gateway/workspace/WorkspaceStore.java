package dev.gatehouse.gateway.workspace;

import dev.gatehouse.gateway.store.ChangeFeed;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code workspaces} table. Locking and unlocking are announced on the {@link ChangeFeed}
 * ({@code sync}) in the same transaction, so every node refuses a locked workspace's tokens on
 * its next request. Failures of the database are failed futures.
 */
public final class WorkspaceStore {

  /** PostgreSQL's unique-violation code. */
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String COLUMNS = "id, name, status, created_at, locked_at";

  private final Pool pool;

  public WorkspaceStore(Pool pool) {
    this.pool = pool;
  }

  /** Creates an active workspace; empty if the name is taken. The name must be {@link Workspace#validName valid}. */
  public Future<Optional<Workspace>> create(String name) {
    if (!Workspace.validName(name)) {
      return Future.failedFuture(new IllegalArgumentException("invalid workspace name"));
    }
    return pool.preparedQuery("INSERT INTO workspaces (id, name) VALUES ($1, $2) RETURNING " + COLUMNS)
        .execute(Tuple.of(UUID.randomUUID(), name))
        .map(rows -> first(rows))
        .recover(failure -> failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
            ? Future.succeededFuture(Optional.empty())
            : Future.failedFuture(failure));
  }

  public Future<List<Workspace>> list() {
    return pool.query("SELECT " + COLUMNS + " FROM workspaces ORDER BY name").execute()
        .map(rows -> {
          List<Workspace> out = new ArrayList<>();
          rows.forEach(row -> out.add(Workspace.fromRow(row)));
          return out;
        });
  }

  public Future<Optional<Workspace>> get(UUID id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM workspaces WHERE id = $1").execute(Tuple.of(id))
        .map(WorkspaceStore::first);
  }

  /**
   * Locks or unlocks; empty if there is no such workspace. A deleted workspace is left as it is
   * (and returned): it cannot be unlocked.
   */
  public Future<Optional<Workspace>> setLocked(UUID id, boolean locked) {
    return pool.withTransaction(conn -> conn
        .preparedQuery("UPDATE workspaces SET status = $2, locked_at = CASE WHEN $3 THEN now() END "
            + "WHERE id = $1 AND status <> 'deleted' RETURNING " + COLUMNS)
        .execute(Tuple.of(id, locked ? Workspace.LOCKED : Workspace.ACTIVE, locked))
        .compose(rows -> rows.rowCount() == 0 ? byId(conn, id) : Future.succeededFuture(rows))
        .compose(rows -> {
          Optional<Workspace> workspace = first(rows);
          return workspace.isEmpty() ? Future.succeededFuture(workspace)
              : ChangeFeed.publish(conn, ChangeFeed.SYNC).map(workspace);
        }));
  }

  /**
   * Deletes a workspace for good: it is locked and can never be unlocked; its row stays. Empty if
   * there is no such workspace; deleting twice returns the deleted workspace again.
   */
  public Future<Optional<Workspace>> delete(UUID id) {
    return pool.withTransaction(conn -> conn
        .preparedQuery("UPDATE workspaces SET status = 'deleted', deleted_at = now(), "
            + "locked_at = COALESCE(locked_at, now()) WHERE id = $1 AND status <> 'deleted' RETURNING " + COLUMNS)
        .execute(Tuple.of(id))
        .compose(rows -> rows.rowCount() == 0 ? byId(conn, id) : Future.succeededFuture(rows))
        .compose(rows -> {
          Optional<Workspace> workspace = first(rows);
          return workspace.isEmpty() ? Future.succeededFuture(workspace)
              : ChangeFeed.publish(conn, ChangeFeed.SYNC).map(workspace);
        }));
  }

  private static Future<RowSet<Row>> byId(SqlConnection conn, UUID id) {
    return conn.preparedQuery("SELECT " + COLUMNS + " FROM workspaces WHERE id = $1").execute(Tuple.of(id));
  }

  private static Optional<Workspace> first(RowSet<Row> rows) {
    return rows.rowCount() == 0 ? Optional.empty() : Optional.of(Workspace.fromRow(rows.iterator().next()));
  }
}
