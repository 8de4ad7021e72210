package dev.gatehouse.gateway.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestPki;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway reaches PostgreSQL over TLS as {@code sslmode} in {@code database.url} says, on every
 * connection (migrations, pool, change feed): the test server refuses any connection without TLS,
 * so a gateway that dropped the mode would not start. {@code verify-full} checks the CA of
 * {@code database.tls.caFile} and the host name, and a refused certificate fails the start with
 * one line naming the key.
 */
class DatabaseTlsIT {

  @TempDir
  static Path tlsDir;

  static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws Exception {
    TestPki ca = TestPki.create("Gatehouse test database CA");
    ca.writeCertificate(tlsDir.resolve("ca.pem"));
    TestPki.create("Stranger CA").writeCertificate(tlsDir.resolve("stranger-ca.pem"));
    TestPki.Issued server = ca.issueServer("database", false, "localhost");
    server.writeCertificate(tlsDir.resolve("server.crt"));
    server.writeKey(tlsDir.resolve("server.key"));
    Path hba = tlsDir.resolve("pg_hba.conf");
    Files.writeString(hba, """
        hostssl   all  all  127.0.0.1/32  trust
        hostssl   all  all  ::1/128       trust
        hostnossl all  all  all           reject
        """);
    postgres = EmbeddedPostgres.builder()
        .setServerConfig("ssl", "on")
        .setServerConfig("ssl_cert_file", tlsDir.resolve("server.crt").toString())
        .setServerConfig("ssl_key_file", tlsDir.resolve("server.key").toString())
        .setServerConfig("hba_file", hba.toString())
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void verify_full_with_the_database_ca_connects_every_connection_over_tls(@TempDir Path dataDir) throws Exception {
    Gateway gateway = start(dataDir, "database.url=" + url("localhost", "verify-full"),
        "database.tls.caFile=" + tlsDir.resolve("ca.pem"));
    try {
      assertTrue(encryptedConnections() >= 2, "the pool and the change feed are connected over TLS");
    } finally {
      TestGateways.stopQuietly(gateway);
    }
  }

  @Test
  void require_encrypts(@TempDir Path dataDir) throws Exception {
    Gateway gateway = start(dataDir, "database.url=" + url("localhost", "require"));
    try {
      assertTrue(encryptedConnections() >= 2, "the pool and the change feed are connected over TLS");
    } finally {
      TestGateways.stopQuietly(gateway);
    }
  }

  @Test
  void verify_full_refuses_a_database_whose_certificate_another_ca_signed(@TempDir Path dataDir) {
    ConfigException refused = refusedStart(dataDir, "database.url=" + url("localhost", "verify-full"),
        "database.tls.caFile=" + tlsDir.resolve("stranger-ca.pem"));
    assertEquals("database.url", refused.key());
    assertTrue(refused.getMessage().contains("TLS handshake failed"), refused.getMessage());
  }

  @Test
  void verify_full_refuses_a_certificate_for_another_host_which_verify_ca_accepts(@TempDir Path dataDir,
      @TempDir Path otherDataDir) throws Exception {
    ConfigException refused = refusedStart(dataDir, "database.url=" + url("127.0.0.1", "verify-full"),
        "database.tls.caFile=" + tlsDir.resolve("ca.pem"));
    assertEquals("database.url", refused.key());
    Gateway gateway = start(otherDataDir, "database.url=" + url("127.0.0.1", "verify-ca"),
        "database.tls.caFile=" + tlsDir.resolve("ca.pem"));
    TestGateways.stopQuietly(gateway);
  }

  private static ConfigException refusedStart(Path dataDir, String... settings) {
    ExecutionException failure = assertThrows(ExecutionException.class, () -> start(dataDir, settings));
    return assertInstanceOf(ConfigException.class, failure.getCause());
  }

  /** A gateway on the test database; every one seals its keys with the same keyring, as nodes of one deployment. */
  private static Gateway start(Path dataDir, String... settings) throws Exception {
    String[] all = Arrays.copyOf(settings, settings.length + 1);
    all[settings.length] = "secrets.keyring=" + tlsDir.resolve("keyring.json");
    return TestGateways.start(dataDir, all);
  }

  private static String url(String host, String sslmode) {
    return "postgresql://postgres@" + host + ":" + postgres.getPort() + "/postgres?sslmode=" + sslmode;
  }

  /** Client connections of other sessions that use TLS, as the server sees them. */
  private static int encryptedConnections() throws Exception {
    try (Connection c = DriverManager.getConnection(
            "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres&sslmode=require");
         ResultSet rows = c.createStatement().executeQuery("""
             SELECT count(*) FILTER (WHERE s.ssl), count(*) FILTER (WHERE NOT s.ssl)
             FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
             WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()""")) {
      rows.next();
      assertEquals(0, rows.getInt(2), "no connection without TLS");
      return rows.getInt(1);
    }
  }
}
