package dev.gatehouse.gateway.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;

/** A throwaway PostgreSQL on a loopback port, which a test may stop to simulate an outage. */
public final class TestDatabase implements AutoCloseable {

  /** A busy machine (parallel builds, runtimes starting) can take far longer than the library's 10 s. */
  static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

  private final EmbeddedPostgres postgres;

  public TestDatabase() throws Exception {
    postgres = EmbeddedPostgres.builder().setPGStartupWait(STARTUP_WAIT).start();
  }

  public String url() {
    return "postgresql://postgres@localhost:" + postgres.getPort() + "/postgres";
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  /**
   * {@code decision, reason_key, status} of the audit event of one request; waits up to 10 s for
   * the writer to store it, then fails.
   */
  public List<String> awaitAuditEvent(String requestId) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    try (Connection c = DriverManager.getConnection(jdbcUrl());
         PreparedStatement q = c.prepareStatement(
             "SELECT decision, reason_key, status FROM audit_events WHERE request_id = ?")) {
      q.setString(1, requestId);
      while (System.nanoTime() < deadline) {
        try (ResultSet rows = q.executeQuery()) {
          if (rows.next()) {
            return List.of(rows.getString(1), rows.getString(2), Integer.toString(rows.getInt(3)));
          }
        }
        Thread.sleep(50);
      }
    }
    throw new AssertionError("no audit event for request " + requestId);
  }

  /** Stops the server; later queries fail as in a real outage. */
  @Override
  public void close() throws Exception {
    postgres.close();
  }
}
