package dev.gatehouse.gateway.token;

import dev.gatehouse.gateway.store.ChangeFeed;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code tokens} table: metadata of every token Gatehouse issued, never the token. Revocations
 * are announced on the {@link ChangeFeed} in the same transaction.
 */
public final class TokenStore {

  /** Longest list a single query returns. */
  public static final int MAX_LIST = 1000;

  private final Pool pool;

  public TokenStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> insert(TokenRecord token) {
    return pool.preparedQuery("INSERT INTO tokens (jti, workspace_id, subject, scopes, description, issued_at, "
            + "expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.of(token.jti(), UUID.fromString(token.workspaceId()), token.subject(),
            token.scopes().toArray(new String[0]), token.description().orElse(null),
            token.issuedAt().atOffset(ZoneOffset.UTC), token.expiresAt().atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  /** Newest first, optionally only one workspace's or one subject's tokens, at most {@code limit}. */
  public Future<List<TokenRecord>> list(Optional<UUID> workspace, Optional<String> subject, int limit) {
    return pool.preparedQuery("SELECT " + TokenRecord.COLUMNS + " FROM tokens "
            + "WHERE ($1::uuid IS NULL OR workspace_id = $1) AND ($2::text IS NULL OR subject = $2) "
            + "ORDER BY issued_at DESC, jti LIMIT $3")
        .execute(Tuple.of(workspace.orElse(null), subject.orElse(null), Math.min(limit, MAX_LIST)))
        .map(TokenStore::records);
  }

  public Future<Optional<TokenRecord>> get(String jti) {
    return pool.preparedQuery("SELECT " + TokenRecord.COLUMNS + " FROM tokens WHERE jti = $1")
        .execute(Tuple.of(jti))
        .map(rows -> records(rows).stream().findFirst());
  }

  /** Revokes one live token; empty if there is no such token or it was already revoked. */
  Future<List<TokenRecord>> revokeJti(String jti, String reason) {
    return revoke("jti = $1", jti, reason, ChangeFeed.REVOKE_PREFIX + jti);
  }

  Future<List<TokenRecord>> revokeSubject(String subject, String reason) {
    return revoke("subject = $1", subject, reason, ChangeFeed.SYNC);
  }

  Future<List<TokenRecord>> revokeWorkspace(UUID workspace, String reason) {
    return revoke("workspace_id = $1", workspace, reason, ChangeFeed.SYNC);
  }

  private Future<List<TokenRecord>> revoke(String condition, Object value, String reason, String message) {
    return pool.withTransaction(conn -> conn
        .preparedQuery("UPDATE tokens SET revoked_at = $2, revoke_reason = $3 WHERE " + condition
            + " AND revoked_at IS NULL RETURNING " + TokenRecord.COLUMNS)
        .execute(Tuple.of(value, Instant.now().atOffset(ZoneOffset.UTC), reason))
        .compose(rows -> announce(conn, rows, message)));
  }

  private static Future<List<TokenRecord>> announce(SqlConnection conn, RowSet<Row> rows, String message) {
    List<TokenRecord> revoked = records(rows);
    return revoked.isEmpty() ? Future.succeededFuture(revoked)
        : ChangeFeed.publish(conn, message).map(revoked);
  }

  private static List<TokenRecord> records(RowSet<Row> rows) {
    List<TokenRecord> out = new ArrayList<>();
    rows.forEach(row -> out.add(TokenRecord.fromRow(row)));
    return out;
  }
}
