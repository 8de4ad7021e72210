package dev.gatehouse.gateway.keys;

import dev.gatehouse.gateway.store.ChangeFeed;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** The {@code signing_keys} table. Every change is announced on the {@link ChangeFeed} as {@code keys}. */
final class SigningKeyStore {

  /** One row: public facts plus the sealed private JWK. */
  record StoredKey(String kid, String alg, String publicJwk, String sealedPrivateJwk, KeyState state,
      java.time.Instant createdAt, java.time.Instant retiredAt) {}

  private final Pool pool;

  SigningKeyStore(Pool pool) {
    this.pool = pool;
  }

  Future<List<StoredKey>> all() {
    return pool.query("SELECT kid, alg, public_jwk, private_jwk_sealed, state, created_at, retired_at "
            + "FROM signing_keys ORDER BY created_at")
        .execute()
        .map(rows -> {
          List<StoredKey> keys = new ArrayList<>();
          for (Row row : rows) {
            keys.add(new StoredKey(row.getString("kid"), row.getString("alg"), row.getString("public_jwk"),
                row.getString("private_jwk_sealed"), KeyState.fromId(row.getString("state")),
                row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("retired_at") == null ? null : row.getOffsetDateTime("retired_at").toInstant()));
          }
          return keys;
        });
  }

  /** Demotes the active key to verify-only and inserts the new active key, atomically. */
  Future<Void> insertActive(String kid, String alg, String publicJwk, String sealedPrivateJwk) {
    return pool.withTransaction(conn -> conn
        .query("UPDATE signing_keys SET state = 'verify-only' WHERE state = 'active'").execute()
        .compose(v -> conn.preparedQuery("INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk_sealed, state) "
                + "VALUES ($1, $2, $3, $4, 'active')")
            .execute(Tuple.of(kid, alg, publicJwk, sealedPrivateJwk)))
        .compose(v -> ChangeFeed.publish(conn, ChangeFeed.KEYS)));
  }

  /** Retires a verify-only key; false if there is no such key (the active key cannot be retired). */
  Future<Boolean> retire(String kid) {
    return pool.withTransaction(conn -> conn
        .preparedQuery("UPDATE signing_keys SET state = 'retired', retired_at = now() "
            + "WHERE kid = $1 AND state = 'verify-only' RETURNING kid")
        .execute(Tuple.of(kid))
        .compose(rows -> rows.rowCount() == 0
            ? Future.succeededFuture(false)
            : ChangeFeed.publish(conn, ChangeFeed.KEYS).map(true)));
  }
}
