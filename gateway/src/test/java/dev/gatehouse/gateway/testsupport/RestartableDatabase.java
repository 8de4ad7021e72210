package dev.gatehouse.gateway.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A throwaway PostgreSQL on a loopback port that a test can stop (an outage: connections drop,
 * new ones are refused) and start again on the same data directory and port, so clients
 * reconnect to the same data.
 */
public final class RestartableDatabase implements AutoCloseable {

  private final Path dataDirectory;
  private final int port;
  private EmbeddedPostgres postgres;

  public RestartableDatabase() throws IOException {
    dataDirectory = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "pgdata");
    postgres = builder().start();
    port = postgres.getPort();
  }

  public String url() {
    return "postgresql://postgres@localhost:" + port + "/postgres";
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres";
  }

  /** Stops the server and keeps its data. */
  public void stop() throws IOException {
    postgres.close();
    postgres = null;
  }

  /** Starts the server again on the same data directory and port. */
  public void restart() throws IOException {
    postgres = builder().setPort(port).start();
  }

  @Override
  public void close() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  private EmbeddedPostgres.Builder builder() {
    return EmbeddedPostgres.builder().setDataDirectory(dataDirectory.toFile()).setCleanDataDirectory(false)
        .setPGStartupWait(TestDatabase.STARTUP_WAIT);
  }
}
