package dev.gatehouse.gateway.store;

import dev.gatehouse.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The system of record: a reactive connection pool to PostgreSQL whose schema has been
 * migrated. When the configuration names no database, an embedded PostgreSQL is started under
 * {@code <dataDir>/pg} and stopped by {@link #close()}.
 */
public final class Database {

  /** A readiness probe that takes longer than this counts as "database unreachable". */
  public static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
  /** Longest wait for a pooled connection before a query fails. */
  static final Duration POOL_WAIT = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final Pool pool;
  private final PgConnectOptions connectOptions;
  private final Optional<EmbeddedDatabase> embedded;

  private Database(Vertx vertx, Pool pool, PgConnectOptions connectOptions, Optional<EmbeddedDatabase> embedded) {
    this.vertx = vertx;
    this.pool = pool;
    this.connectOptions = connectOptions;
    this.embedded = embedded;
  }

  /** Starts (if embedded), migrates and connects. Fails if any of the three fails. */
  public static Future<Database> open(Vertx vertx, GatewayConfig.Database config, Path dataDir,
      List<MigrationSet> migrations) {
    return vertx.executeBlocking(() -> {
      Optional<EmbeddedDatabase> embedded = config.embedded()
          ? Optional.of(EmbeddedDatabase.start(dataDir.resolve("pg")))
          : Optional.empty();
      try {
        ConnectionInfo info = embedded.map(EmbeddedDatabase::connectionInfo)
            .orElseGet(() -> external(config));
        SchemaMigrator.migrate(info, migrations);
        Pool pool = PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(config.poolSize())
                .setConnectionTimeout((int) POOL_WAIT.toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
            .connectingTo(info.pgConnectOptions())
            .using(vertx)
            .build();
        return new Database(vertx, pool, info.pgConnectOptions(), embedded);
      } catch (RuntimeException e) {
        if (embedded.isPresent()) {
          embedded.get().close();
        }
        throw e;
      }
    }, false);
  }

  private static ConnectionInfo external(GatewayConfig.Database config) {
    URI url = config.url().orElseThrow();
    PgConnectOptions parsed = PgConnectOptions.fromUri(url.toString());
    return new ConnectionInfo(parsed.getHost(), parsed.getPort(), parsed.getDatabase(),
        config.user().orElse(parsed.getUser()),
        config.password().orElse(parsed.getPassword()));
  }

  public Pool pool() {
    return pool;
  }

  /** How to open a dedicated connection, e.g. for {@code LISTEN} ({@link ChangeFeed}). */
  public PgConnectOptions connectOptions() {
    return new PgConnectOptions(connectOptions);
  }

  /** Succeeds when PostgreSQL answers a trivial query within {@link #PING_TIMEOUT}. */
  public Future<Void> ping() {
    return pool.query("SELECT 1").execute()
        .timeout(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  /** Closes the pool, then stops the embedded server if this process started one. */
  public Future<Void> close() {
    return pool.close()
        .transform(ignored -> vertx.executeBlocking(() -> {
          if (embedded.isPresent()) {
            embedded.get().close();
          }
          return null;
        }, false))
        .mapEmpty();
  }
}
