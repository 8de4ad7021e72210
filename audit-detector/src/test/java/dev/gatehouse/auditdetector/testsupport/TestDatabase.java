package dev.gatehouse.auditdetector.testsupport;

import dev.gatehouse.auditdetector.store.AuditSchema;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * A real PostgreSQL (zonky embedded) with the audit migrations applied, a Vert.x pool on it, and
 * the ability to stop and restart the server on the same data directory and port.
 */
public final class TestDatabase implements AutoCloseable {

  private final Path dataDirectory;
  private final Map<String, String> serverConfig;
  private EmbeddedPostgres postgres;
  private final int port;
  private final Pool pool;

  private TestDatabase(Path dataDirectory, Vertx vertx, int poolSize, Map<String, String> serverConfig)
      throws IOException {
    this.dataDirectory = dataDirectory;
    this.serverConfig = serverConfig;
    this.postgres = builder(0).start();
    this.port = postgres.getPort();
    Flyway.configure().dataSource(postgres.getPostgresDatabase())
        .locations(AuditSchema.MIGRATION_LOCATION)
        .table(AuditSchema.HISTORY_TABLE)
        .baselineOnMigrate(true).baselineVersion(AuditSchema.BASELINE_VERSION)
        .load().migrate();
    this.pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize))
        .connectingTo(new PgConnectOptions().setHost("localhost").setPort(port).setDatabase("postgres")
            .setUser("postgres").setPassword("postgres"))
        .using(vertx)
        .build();
  }

  /** Starts a fresh server with a pool of 4 connections. */
  public static TestDatabase start(Vertx vertx) throws IOException {
    return start(vertx, 4, Map.of());
  }

  /**
   * Starts a fresh server with a pool of {@code poolSize} connections and extra server settings
   * (zonky's defaults include {@code synchronous_commit=off}; pass "on" to measure durable commits).
   */
  public static TestDatabase start(Vertx vertx, int poolSize, Map<String, String> serverConfig) throws IOException {
    Path target = Path.of(System.getProperty("java.io.tmpdir"));
    return new TestDatabase(Files.createTempDirectory(target, "pgdata"), vertx, poolSize, serverConfig);
  }

  /** The reactive pool (kept referenced for the whole test). */
  public Pool pool() {
    return pool;
  }

  /** Runs one SQL statement through JDBC (for tampering and fixtures). */
  public int execute(String sql) {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement()) {
      return statement.executeUpdate(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Process id of the running postmaster (Linux; for CPU accounting in benchmarks). */
  public long serverPid() throws IOException {
    return Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
  }

  /** Stops the server; the data directory is kept. */
  public void stop() throws IOException {
    postgres.close();
  }

  /** Starts the server again on the same data directory and port. */
  public void restart() throws IOException {
    postgres = builder(port).start();
  }

  @Override
  public void close() throws IOException {
    pool.close().await();
    postgres.close();
  }

  private EmbeddedPostgres.Builder builder(int fixedPort) {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory.toFile())
        .setCleanDataDirectory(false)
        // A busy machine (parallel builds) can take far longer than the library's 10 s.
        .setPGStartupWait(java.time.Duration.ofSeconds(60));
    serverConfig.forEach(builder::setServerConfig);
    if (fixedPort != 0) {
      builder.setPort(fixedPort);
    }
    return builder;
  }
}
