package dev.gatehouse.gateway.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A throwaway PostgreSQL on a loopback port, which a test may stop to simulate an outage. */
public final class TestDatabase implements AutoCloseable {

  private final EmbeddedPostgres postgres;

  public TestDatabase() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  public String url() {
    return "postgresql://postgres@localhost:" + postgres.getPort() + "/postgres";
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  /** Stops the server; later queries fail as in a real outage. */
  @Override
  public void close() throws Exception {
    postgres.close();
  }
}
