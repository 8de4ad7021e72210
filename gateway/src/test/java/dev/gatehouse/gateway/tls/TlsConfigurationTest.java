package dev.gatehouse.gateway.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.Setting;
import dev.gatehouse.gateway.testsupport.TestPki;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.pgclient.SslMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** TLS settings that cannot work stop the start with one line naming the key, never a file's content. */
class TlsConfigurationTest {

  @TempDir
  static Path dir;
  static Vertx vertx;
  static TestPki.Issued server;
  static TestPki.Issued other;

  @BeforeAll
  static void files() throws Exception {
    vertx = Vertx.vertx();
    TestPki ca = TestPki.create("Gatehouse test CA");
    ca.writeCertificate(dir.resolve("ca.pem"));
    server = ca.issueServer("gateway", false, "localhost");
    server.writeCertificate(dir.resolve("server.crt"));
    server.writeKey(dir.resolve("server.key"));
    other = ca.issueServer("another", true, "localhost");
    other.writeKey(dir.resolve("other.key"));
    Files.writeString(dir.resolve("not-pem.txt"), "hello");
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  static GatewayConfig load(String... settings) {
    return new ConfigLoader().load(Optional.empty(), Map.of(), java.util.Arrays.stream(settings).map(s -> {
      int eq = s.indexOf('=');
      return new Setting(s.substring(0, eq), s.substring(eq + 1), "test");
    }).toList());
  }

  static ConfigException refusedListener(String cert, String key) {
    return assertThrows(ConfigException.class, () -> ListenerTls.load(vertx, "server.tls",
        Optional.of(new ListenerTlsFiles(dir.resolve(cert), dir.resolve(key), Optional.empty()))));
  }

  @Test
  void a_listener_offers_tls_1_2_and_1_3_with_modern_suites_and_requires_client_certificates_of_its_ca() {
    ListenerTls tls = ListenerTls.load(vertx, "admin.tls", Optional.of(new ListenerTlsFiles(dir.resolve("server.crt"),
        dir.resolve("server.key"), Optional.of(dir.resolve("ca.pem"))))).orElseThrow();
    HttpServerOptions options = tls.secure(new HttpServerOptions());
    assertTrue(options.isSsl());
    assertEquals(Set.of("TLSv1.2", "TLSv1.3"), options.getEnabledSecureTransportProtocols());
    assertEquals(Set.copyOf(ListenerTls.CIPHER_SUITES), options.getEnabledCipherSuites());
    assertTrue(ListenerTls.CIPHER_SUITES.stream().allMatch(suite -> suite.startsWith("TLS_AES_")
        || suite.startsWith("TLS_CHACHA20_") || suite.startsWith("TLS_ECDHE_") && !suite.contains("CBC")));
    assertEquals(ClientAuth.REQUIRED, options.getClientAuth());
  }

  @Test
  void a_missing_unreadable_or_mismatched_file_names_its_key() {
    assertEquals("server.tls.certFile: file not found", refusedListener("missing.crt", "server.key").getMessage());
    assertEquals("server.tls.keyFile: file not found", refusedListener("server.crt", "missing.key").getMessage());
    assertEquals("server.tls.certFile: holds no PEM certificate",
        refusedListener("not-pem.txt", "server.key").getMessage());
    assertEquals("server.tls.keyFile", refusedListener("server.crt", "not-pem.txt").key());
    assertEquals("server.tls.keyFile", refusedListener("server.crt", "server.crt").key());
    ConfigException mismatch = refusedListener("server.crt", "other.key");
    assertEquals("server.tls.keyFile", mismatch.key());
    assertFalse(mismatch.getMessage().contains("PRIVATE KEY"), mismatch.getMessage());
    ConfigException badCa = assertThrows(ConfigException.class, () -> ListenerTls.load(vertx, "admin.tls",
        Optional.of(new ListenerTlsFiles(dir.resolve("server.crt"), dir.resolve("server.key"),
            Optional.of(dir.resolve("server.key"))))));
    assertEquals("admin.tls.clientCaFile: holds no PEM certificate", badCa.getMessage());
  }

  @Test
  void a_certificate_needs_its_key_and_a_client_ca_needs_both() {
    assertEquals("server.tls.keyFile", assertThrows(ConfigException.class,
        () -> load("server.tls.certFile=" + dir.resolve("server.crt"))).key());
    assertEquals("admin.tls.certFile", assertThrows(ConfigException.class,
        () -> load("admin.tls.keyFile=" + dir.resolve("server.key"))).key());
    assertEquals("admin.tls.clientCaFile", assertThrows(ConfigException.class,
        () -> load("admin.tls.clientCaFile=" + dir.resolve("ca.pem"))).key());
    assertEquals("server.tls.clientCaFile", assertThrows(ConfigException.class,
        () -> load("server.tls.clientCaFile=" + dir.resolve("ca.pem"))).key(), "client certificates are admin-only");
    GatewayConfig config = new ConfigLoader().load(Optional.empty(), Map.of(
        "GATEHOUSE_ADMIN_TLS_CERT_FILE", "a.crt", "GATEHOUSE_ADMIN_TLS_KEY_FILE", "a.key",
        "GATEHOUSE_ADMIN_TLS_CLIENT_CA_FILE", "clients.pem", "GATEHOUSE_UPSTREAM_TLS_CA_FILE", "runtime-ca.pem"),
        List.of());
    assertEquals(new ListenerTlsFiles(Path.of("a.crt"), Path.of("a.key"), Optional.of(Path.of("clients.pem"))),
        config.admin().tls().orElseThrow());
    assertEquals(Optional.of(Path.of("runtime-ca.pem")), config.upstream().caFile());
  }

  @Test
  void sslmode_is_read_from_the_database_url_and_an_unknown_one_is_refused() {
    String url = "database.url=postgresql://db.example:5432/gatehouse?sslmode=";
    assertEquals(SslMode.VERIFY_FULL, load(url + "verify-full").database().tls().mode());
    assertEquals(SslMode.REQUIRE, load(url + "require").database().tls().mode());
    assertEquals(SslMode.DISABLE, load("database.url=postgresql://db.example/gatehouse").database().tls().mode());
    ConfigException unknown = assertThrows(ConfigException.class, () -> load(url + "verify-everything"));
    assertEquals("database.url", unknown.key());
    assertEquals("database.url", assertThrows(ConfigException.class,
        () -> load(url + "verify-full&sslrootcert=/etc/ca.pem")).key(), "the CA has one place");
    assertEquals("database.tls.caFile", assertThrows(ConfigException.class,
        () -> load(url + "require", "database.tls.caFile=" + dir.resolve("ca.pem"))).key(),
        "a CA with a mode that checks nothing is a mistake");
    assertEquals("database.tls.caFile", assertThrows(ConfigException.class,
        () -> load("database.tls.caFile=" + dir.resolve("ca.pem"))).key(), "the embedded database has no TLS");
  }

  @Test
  void the_migrations_connect_with_the_same_tls_settings() {
    String url = "postgresql://db.example/gatehouse?sslmode=";
    PGSimpleDataSource verifying = DatabaseTls.of(java.net.URI.create(url + "verify-full"),
        Optional.of(dir.resolve("ca.pem"))).applyTo(new PGSimpleDataSource());
    assertEquals("verify-full", verifying.getSslMode());
    assertEquals(dir.resolve("ca.pem").toString(), verifying.getSslRootCert());
    PGSimpleDataSource byJdkTrust = DatabaseTls.of(java.net.URI.create(url + "verify-ca"), Optional.empty())
        .applyTo(new PGSimpleDataSource());
    assertEquals("verify-ca", byJdkTrust.getSslMode());
    assertEquals("org.postgresql.ssl.DefaultJavaSSLFactory", byJdkTrust.getSslfactory());
    assertEquals("require", DatabaseTls.of(java.net.URI.create(url + "require"), Optional.empty())
        .applyTo(new PGSimpleDataSource()).getSslMode());
  }

  @Test
  void an_unreadable_upstream_ca_names_its_key() {
    ConfigException missing = assertThrows(ConfigException.class,
        () -> UpstreamTrust.apply(vertx, new HttpClientOptions(), Optional.of(dir.resolve("missing.pem"))));
    assertEquals("upstream.tls.caFile: file not found", missing.getMessage());
    ConfigException notPem = assertThrows(ConfigException.class,
        () -> UpstreamTrust.apply(vertx, new HttpClientOptions(), Optional.of(dir.resolve("not-pem.txt"))));
    assertEquals("upstream.tls.caFile: holds no PEM certificate", notPem.getMessage());
  }
}
