package dev.gatehouse.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL that {@code serve} starts by default is durable. */
class EmbeddedDatabaseIT {

  @TempDir
  Path dir;

  @Test
  @Tag("T-AUD-002")
  void the_embedded_database_flushes_every_commit_to_disk() throws Exception {
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("pg"))) {
      ConnectionInfo info = database.connectionInfo();
      try (Connection c = DriverManager.getConnection(info.jdbcUrl(), info.user(), info.password());
          Statement s = c.createStatement()) {
        assertEquals("on", show(s, "fsync"));
        assertEquals("on", show(s, "synchronous_commit"));
      }
    }
  }

  private static String show(Statement statement, String setting) throws Exception {
    try (ResultSet rs = statement.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
