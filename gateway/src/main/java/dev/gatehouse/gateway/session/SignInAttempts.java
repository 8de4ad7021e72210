package dev.gatehouse.gateway.session;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Sign-ins through an OpenID provider in progress ({@code sign_in_attempts}), each bound to the
 * browser that started it by the random value of its sign-in cookie (only that value's SHA-256 is
 * stored). An attempt lives {@value #LIFETIME_MINUTES} minutes and is taken (deleted) when used,
 * so a callback or a workspace choice works once. Shared by every node through PostgreSQL.
 */
final class SignInAttempts {

  static final int LIFETIME_MINUTES = 10;
  static final Duration LIFETIME = Duration.ofMinutes(LIFETIME_MINUTES);

  /** The redirect's secrets, and where the browser goes afterwards. */
  record Started(String state, String nonce, String codeVerifier, String next) {}

  /** A person the provider vouched for, who picks one of several workspaces. */
  record Vouched(String issuer, String subject, List<String> workspaces, List<String> scopes, Instant issuedAt,
      String next) {}

  private static final String TAKE_STARTED = "DELETE FROM sign_in_attempts WHERE binding_sha256 = $1 "
      + "AND expires_at > $2 AND subject IS NULL RETURNING *";
  private static final String TAKE_VOUCHED = "DELETE FROM sign_in_attempts WHERE binding_sha256 = $1 "
      + "AND expires_at > $2 AND subject IS NOT NULL RETURNING *";

  private final Pool pool;
  private final Clock clock;

  SignInAttempts(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  Future<Void> start(String binding, Started started) {
    Instant now = clock.instant();
    return pool.withTransaction(conn -> conn
        .preparedQuery("DELETE FROM sign_in_attempts WHERE expires_at < $1")
        .execute(Tuple.of(now.atOffset(ZoneOffset.UTC)))
        .compose(v -> conn.preparedQuery("INSERT INTO sign_in_attempts (binding_sha256, state, nonce, code_verifier, "
                + "next_path, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .execute(Tuple.of(Buffer.buffer(hash(binding)), started.state(), started.nonce(), started.codeVerifier(),
                started.next(), now.plus(LIFETIME).atOffset(ZoneOffset.UTC)))))
        .mapEmpty();
  }

  /** Takes the browser's started attempt (it cannot be used again); empty when there is none. */
  Future<Optional<Started>> takeStarted(String binding) {
    return taken(pool.preparedQuery(TAKE_STARTED), binding).map(row -> row.map(r -> new Started(r.getString("state"),
        r.getString("nonce"), r.getString("code_verifier"), r.getString("next_path"))));
  }

  /** Keeps a vouched person until they pick a workspace (once), under the same browser binding. */
  Future<Void> vouch(String binding, String state, Vouched vouched) {
    return pool.preparedQuery("INSERT INTO sign_in_attempts (binding_sha256, state, nonce, code_verifier, next_path, "
            + "issuer, subject, workspaces, scopes, issued_at, expires_at) "
            + "VALUES ($1, $2, '', '', $4, $3, $5, $6, $7, $8, $9)")
        .execute(Tuple.wrap(List.of(Buffer.buffer(hash(binding)), state, vouched.issuer(), vouched.next(),
            vouched.subject(), vouched.workspaces().toArray(new String[0]), vouched.scopes().toArray(new String[0]),
            vouched.issuedAt().atOffset(ZoneOffset.UTC), clock.instant().plus(LIFETIME).atOffset(ZoneOffset.UTC))))
        .mapEmpty();
  }

  /** Takes the vouched person of this browser; empty when there is none. */
  Future<Optional<Vouched>> takeVouched(String binding) {
    return taken(pool.preparedQuery(TAKE_VOUCHED), binding).map(row -> row.map(SignInAttempts::vouched));
  }

  private Future<Optional<Row>> taken(PreparedQuery<RowSet<Row>> query,
      String binding) {
    return query
        .execute(Tuple.of(Buffer.buffer(hash(binding)), clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  private static Vouched vouched(Row row) {
    return new Vouched(row.getString("issuer"), row.getString("subject"),
        Arrays.asList(row.getArrayOfStrings("workspaces")), Arrays.asList(row.getArrayOfStrings("scopes")),
        row.getOffsetDateTime("issued_at").toInstant(), row.getString("next_path"));
  }

  private static byte[] hash(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
