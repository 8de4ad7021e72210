package dev.gatehouse.gateway.store;

import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.tls.DatabaseTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

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
  /** Longest wait for the first TLS connection at start. */
  static final Duration TLS_CHECK_LIMIT = Duration.ofSeconds(30);

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

  /**
   * Starts (if embedded), migrates and connects, over TLS as {@code database.url}'s {@code sslmode}
   * says ({@link DatabaseTls}). Fails if any of the three fails; a missing or unreadable
   * {@code database.tls.caFile} fails with a {@link dev.gatehouse.gateway.config.ConfigException}.
   */
  public static Future<Database> open(Vertx vertx, GatewayConfig.Database config, Path dataDir,
      List<MigrationSet> migrations) {
    return vertx.executeBlocking(() -> {
      Optional<EmbeddedDatabase> embedded = config.embedded()
          ? Optional.of(EmbeddedDatabase.start(dataDir.resolve("pg")))
          : Optional.empty();
      // The embedded server is on loopback without TLS; an external one as database.url says.
      DatabaseTls tls = embedded.isPresent() ? DatabaseTls.DISABLED : config.tls();
      try {
        ConnectionInfo info = embedded.map(EmbeddedDatabase::connectionInfo)
            .orElseGet(() -> external(config));
        PgConnectOptions connect = tls.applyTo(vertx, info.pgConnectOptions());
        if (tls.mode() != SslMode.DISABLE) {
          // One connection first, so that a refused certificate is told apart from other failures.
          PgConnection.connect(vertx, connect).compose(SqlConnection::close)
              .toCompletionStage().toCompletableFuture().get(TLS_CHECK_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        SchemaMigrator.migrate(info, tls, migrations);
        Pool pool = PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(config.poolSize())
                .setConnectionTimeout((int) POOL_WAIT.toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
            .connectingTo(new PgConnectOptions(connect))
            .using(vertx)
            .build();
        return new Database(vertx, pool, connect, embedded);
      } catch (RuntimeException | ExecutionException | TimeoutException e) {
        if (embedded.isPresent()) {
          embedded.get().close();
        }
        Optional<String> refusal = tlsRefusal(e);
        if (refusal.isPresent()) {
          throw new ConfigException(DatabaseTls.URL_KEY, "TLS to the database failed (sslmode=" + tls.mode().value
              + "): " + refusal.get());
        }
        throw e;
      }
    }, false);
  }

  /**
   * Why TLS failed, when it did: the Vert.x client reports a refused certificate as a handshake
   * that failed, without the cause, and a server without TLS in its own words.
   */
  private static Optional<String> tlsRefusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException || "SSL handshake failed".equals(t.getMessage())) {
        return Optional.of("the TLS handshake failed: the database's certificate is not signed by a CA of "
            + DatabaseTls.CA_FILE_KEY + " (or of the JDK trust store without it), or does not name the URL's host");
      }
      if ("Postgres Server does not handle SSL connection".equals(t.getMessage())) {
        return Optional.of("the database does not offer TLS");
      }
    }
    return Optional.empty();
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

  /**
   * How to open a dedicated connection, e.g. for {@code LISTEN} ({@link ChangeFeed}): the pool's
   * address, credentials and TLS settings.
   */
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
