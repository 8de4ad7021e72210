package dev.gatehouse.gateway.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by this process from the embedded binaries, with its data kept in one
 * directory so that the next start reuses it. Blocking: call off the event loop.
 *
 * <p>A server left running by a process that died without stopping it (its {@code postmaster.pid}
 * names a live process) is shut down before the new one starts; the caller must hold the data
 * directory's lock, so that server cannot belong to a live Gatehouse.
 */
final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  /** How long a leftover server gets to shut down before start gives up. */
  static final Duration ORPHAN_STOP_TIMEOUT = Duration.ofSeconds(30);
  static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

  private final EmbeddedPostgres postgres;
  private final Path directory;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path directory) {
    this.postgres = postgres;
    this.directory = directory;
  }

  static EmbeddedDatabase start(Path directory) throws IOException {
    Files.createDirectories(directory);
    stopOrphan(directory);
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(directory)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setPGStartupWait(STARTUP_WAIT)
        // zonky starts PostgreSQL for throwaway test databases (-F, synchronous_commit=off); this one
        // holds the audit trail, so every commit is flushed to disk before it is acknowledged.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .start();
    return new EmbeddedDatabase(postgres, directory);
  }

  ConnectionInfo connectionInfo() {
    return new ConnectionInfo("localhost", postgres.getPort(), "postgres", "postgres", null);
  }

  /** Stops the server; a server already stopped (e.g. by the terminal's interrupt) is fine. */
  @Override
  public void close() throws IOException {
    if (Files.exists(directory.resolve("postmaster.pid"))) {
      postgres.close();
    }
  }

  private static void stopOrphan(Path directory) throws IOException {
    Path pidFile = directory.resolve("postmaster.pid");
    Optional<ProcessHandle> orphan = Files.exists(pidFile)
        ? Files.readAllLines(pidFile).stream().findFirst().map(String::trim)
            .filter(s -> s.matches("[0-9]+")).flatMap(s -> ProcessHandle.of(Long.parseLong(s)))
            .filter(ProcessHandle::isAlive)
        : Optional.empty();
    if (orphan.isEmpty()) {
      return;
    }
    LOG.warn("stopping a PostgreSQL server left running by an earlier run (pid {})", orphan.get().pid());
    orphan.get().destroy();
    try {
      orphan.get().onExit().get(ORPHAN_STOP_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IOException("a PostgreSQL server left running in " + directory + " did not stop", e);
    }
  }
}
