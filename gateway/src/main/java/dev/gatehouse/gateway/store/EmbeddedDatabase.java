package dev.gatehouse.gateway.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by this process from the embedded binaries, with its data kept in one
 * directory so that the next start reuses it. Blocking: call off the event loop.
 *
 * <p>Only the superuser logs in, with a password ({@link SuperuserPassword}, SCRAM, kept beside the
 * data directory in {@code <directory>.password}, mode 0600) on the server's socket and loopback
 * ({@link ClientAuthentication}): another local user who finds the port cannot. A new server is
 * initialized that way; a server initialized before (every login trusted) gets a password and
 * the same rules at its next start, its data kept.
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
  private final String password;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path directory, String password) {
    this.postgres = postgres;
    this.directory = directory;
    this.password = password;
  }

  static EmbeddedDatabase start(Path directory) throws IOException {
    Files.createDirectories(directory);
    stopOrphan(directory);
    Path passwordFile = passwordFile(directory);
    boolean fresh = !Files.exists(directory.resolve("postgresql.conf"));
    boolean trusting = !fresh && !ClientAuthentication.passwordOnly(directory);
    String password = fresh ? SuperuserPassword.create(passwordFile)
        : trusting ? SuperuserPassword.loadOrCreate(passwordFile) : SuperuserPassword.load(passwordFile);
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(directory)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setPGStartupWait(STARTUP_WAIT)
        // initdb options: the last -A wins over zonky's "-A trust"; the superuser gets the password.
        .setLocaleConfig("auth", ClientAuthentication.METHOD)
        .setLocaleConfig("pwfile", passwordFile.toString())
        .setConnectConfig("password", password)
        // zonky starts PostgreSQL for throwaway test databases (-F, synchronous_commit=off); this one
        // holds the audit trail, so every commit is flushed to disk before it is acknowledged.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .start();
    EmbeddedDatabase database = new EmbeddedDatabase(postgres, directory, password);
    if (trusting) {
      try {
        database.requirePassword();
      } catch (IOException | RuntimeException e) {
        database.close();
        throw e;
      }
    }
    return database;
  }

  /** Where the superuser's password of the server in {@code directory} is kept. */
  static Path passwordFile(Path directory) {
    return directory.resolveSibling(directory.getFileName() + ".password");
  }

  ConnectionInfo connectionInfo() {
    return new ConnectionInfo("localhost", postgres.getPort(), "postgres", "postgres", password);
  }

  /** Sets the superuser's password (hashed by the driver, never sent as text) and admits only it. */
  private void requirePassword() throws IOException {
    LOG.warn("the embedded database admitted local logins without a password; setting the superuser's password");
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      connection.unwrap(PGConnection.class).alterUserPassword("postgres", password.toCharArray(),
          ClientAuthentication.METHOD);
      ClientAuthentication.write(directory);
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT pg_reload_conf()");
      }
    } catch (SQLException e) {
      throw new IOException("could not set the embedded database's password", e);
    }
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
