package dev.gatehouse.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL that {@code serve} starts by default is durable and admits only its owner. */
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

  @Test
  @Tag("T-AUD-012")
  void only_the_generated_password_kept_0600_beside_the_data_logs_in() throws Exception {
    Path pg = dir.resolve("pg");
    try (EmbeddedDatabase database = EmbeddedDatabase.start(pg)) {
      ConnectionInfo info = database.connectionInfo();
      Path file = EmbeddedDatabase.passwordFile(pg);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      assertEquals(info.password(), Files.readString(file).trim());
      assertLoginsNeedThePassword(info);
    }
    try (EmbeddedDatabase again = EmbeddedDatabase.start(pg)) {
      assertLoginsNeedThePassword(again.connectionInfo());
    }
  }

  @Test
  @Tag("T-AUD-012")
  void a_server_created_when_every_local_login_was_trusted_gets_the_password_and_keeps_its_data() throws Exception {
    Path pg = dir.resolve("pg");
    Files.createDirectories(pg);
    // The way the embedded server was created before: initdb -A trust, no password.
    try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(pg).setCleanDataDirectory(false)
        .setRegisterShutdownHook(false).start();
        Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + old.getPort() + "/postgres",
            "postgres", null);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before')");
    }
    assertFalse(ClientAuthentication.passwordOnly(pg), "the old server trusted every local login");

    try (EmbeddedDatabase database = EmbeddedDatabase.start(pg)) {
      ConnectionInfo info = database.connectionInfo();
      assertLoginsNeedThePassword(info);
      try (Connection c = DriverManager.getConnection(info.jdbcUrl(), info.user(), info.password());
          Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
        assertTrue(rs.next());
        assertEquals("before", rs.getString(1));
      }
    }
    assertTrue(ClientAuthentication.passwordOnly(pg));
    try (EmbeddedDatabase again = EmbeddedDatabase.start(pg)) {
      assertLoginsNeedThePassword(again.connectionInfo());
    }
  }

  @Test
  @Tag("T-AUD-012")
  void a_lost_password_file_is_a_clear_error_not_a_new_password() throws Exception {
    Path pg = dir.resolve("pg");
    try (EmbeddedDatabase database = EmbeddedDatabase.start(pg)) {
      database.connectionInfo();
    }
    Files.delete(EmbeddedDatabase.passwordFile(pg));
    IOException refused = assertThrows(IOException.class, () -> EmbeddedDatabase.start(pg));
    assertTrue(refused.getMessage().contains("password file") && refused.getMessage().contains("restore"),
        refused.getMessage());
    assertFalse(Files.exists(EmbeddedDatabase.passwordFile(pg)), "no password was made up");
  }

  /** No password, a wrong one, and the empty one are refused on loopback; the right one works. */
  private static void assertLoginsNeedThePassword(ConnectionInfo info) throws Exception {
    for (String host : List.of("127.0.0.1", "localhost")) {
      String url = "jdbc:postgresql://" + host + ":" + info.port() + "/postgres";
      for (String wrong : new String[] {null, "", "postgres", info.password() + "x"}) {
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "postgres", wrong),
            host + " admitted the superuser with a wrong password");
        assertTrue(List.of("28P01", "08004", "08001").contains(e.getSQLState())
            && e.getMessage().contains("password"), host + " refused by authentication: " + e.getSQLState() + " " + e.getMessage());
      }
      try (Connection c = DriverManager.getConnection(url, "postgres", info.password())) {
        assertTrue(c.isValid(2));
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
