package dev.gatehouse.gateway.token;

import dev.gatehouse.gateway.store.ChangeFeed;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code external_revocations} table. A revocation is committed with a {@link ChangeFeed#SYNC}
 * message, so every node reloads it; rows are kept until no token they cover can still be valid
 * ({@code tokens.maxTtl} plus the clock leeway after the revocation).
 */
public final class ExternalRevocationStore {

  private final Pool pool;
  private final Duration keepFor;
  private final Clock clock;

  public ExternalRevocationStore(Pool pool, TokenSettings settings, Clock clock) {
    this.pool = pool;
    this.keepFor = settings.maxTtl().plus(TokenSettings.LEEWAY);
    this.clock = clock;
  }

  Future<ExternalRevocation> insert(ExternalRevocation.Target target, String reason) {
    var now = clock.instant();
    ExternalRevocation revocation = new ExternalRevocation(target, now, now.plus(keepFor));
    boolean byJti = target.kind() == ExternalRevocation.Kind.JTI;
    return pool.withTransaction(conn -> conn
        .preparedQuery("INSERT INTO external_revocations (iss, jti, subject, reason, revoked_at, expires_at) "
            + "VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(target.issuer(), byJti ? target.value() : null, byJti ? null : target.value(), reason,
            now.atOffset(ZoneOffset.UTC), revocation.expiresAt().atOffset(ZoneOffset.UTC)))
        .compose(v -> ChangeFeed.publish(conn, ChangeFeed.SYNC)))
        .map(revocation);
  }

  /** Every revocation that still covers a token that could be valid. */
  static Future<List<ExternalRevocation>> live(Pool pool) {
    return pool.query("SELECT iss, jti, subject, revoked_at, expires_at FROM external_revocations "
            + "WHERE expires_at > now()")
        .execute()
        .map(rows -> {
          List<ExternalRevocation> out = new ArrayList<>();
          for (Row row : rows) {
            String jti = row.getString("jti");
            var target = jti != null ? ExternalRevocation.Target.jti(row.getString("iss"), jti)
                : ExternalRevocation.Target.subject(row.getString("iss"), row.getString("subject"));
            out.add(new ExternalRevocation(target, row.getOffsetDateTime("revoked_at").toInstant(),
                row.getOffsetDateTime("expires_at").toInstant()));
          }
          return out;
        });
  }
}
