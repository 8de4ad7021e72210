package dev.gatehouse.gateway.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secure defaults of a freshly started gateway: no h2c upgrade (T-HYG-006), signing keys sealed
 * at rest (T-SEC-010), the bootstrap credential stored only as a hash (T-ADM-001), and an admin
 * plane that fails closed when PostgreSQL is gone (T-ADM-002). The outage test runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureDefaultsIT {

  @TempDir
  static Path dataDir;

  static TestDatabase database;
  static TestUpstream upstream;
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    gateway = TestGateways.start(dataDir, "upstream.url=" + upstream.url(), "database.url=" + database.url());
  }

  @AfterAll
  static void stop() throws Exception {
    Await.result(gateway.stop());
    upstream.close();
    database.close();
  }

  @Test
  @Order(1)
  void a_cleartext_http2_upgrade_is_not_honoured() throws Exception {
    String answer = raw("GET /hello HTTP/1.1\r\nHost: gatehouse\r\nConnection: Upgrade, HTTP2-Settings\r\n"
        + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");

    assertTrue(answer.startsWith("HTTP/1.1 200"), "answered as HTTP/1.1, not switched: " + firstLine(answer));
    assertFalse(answer.contains("101 Switching"), "no protocol switch");
    assertTrue(upstream.received().stream().noneMatch(r -> r.headers().contains("Upgrade")),
        "the upgrade request is not passed on to the runtime");
  }

  @Test
  @Order(2)
  void an_http2_prior_knowledge_preface_is_refused() throws Exception {
    String answer = raw("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    assertFalse(answer.startsWith("HTTP/1.1 2"), "never a success: " + firstLine(answer));
    assertEquals(-1, answer.indexOf("\u0000\u0000"), "no HTTP/2 frames in the answer");
  }

  @Test
  @Order(3)
  void signing_keys_are_stored_sealed_never_as_a_private_jwk() throws Exception {
    try (Connection c = DriverManager.getConnection(database.jdbcUrl());
        ResultSet rs = c.createStatement().executeQuery("SELECT public_jwk, private_jwk_sealed FROM signing_keys")) {
      assertTrue(rs.next(), "a signing key was created on first start");
      String sealed = rs.getString("private_jwk_sealed");
      assertFalse(sealed.contains("\"d\""), "no private key parameter in the clear");
      assertFalse(rs.getString("public_jwk").contains("\"d\""), "the public JWK has no private part");
      assertTrue(sealed.contains("ghs-blob:v1"), "sealed by the secrets module's blob format");
    }
  }

  @Test
  @Order(4)
  void the_bootstrap_credential_is_stored_only_as_its_sha256() throws Exception {
    String token = Files.readString(dataDir.resolve("admin-token")).trim();
    byte[] expected = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    try (Connection c = DriverManager.getConnection(database.jdbcUrl());
        ResultSet rs = c.createStatement().executeQuery("SELECT * FROM admin_credentials")) {
      assertTrue(rs.next());
      assertArrayEquals(expected, rs.getBytes("token_sha256"));
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        String value = rs.getString(i);
        assertTrue(value == null || !value.contains(token), "no column holds the token itself");
      }
    }
  }

  @Test
  @Order(5)
  void the_admin_plane_fails_closed_when_the_database_is_gone() throws Exception {
    String token = Files.readString(dataDir.resolve("admin-token")).trim();
    HttpClient http = HttpClient.newHttpClient();
    URI status = URI.create("http://127.0.0.1:" + gateway.adminPort() + "/admin/v1/status");
    assertEquals(200, http.send(HttpRequest.newBuilder(status).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode());

    database.close();

    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(status)
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(503, refused.statusCode());
    assertEquals("{\"error\":\"unavailable\"}", refused.body());
    assertNotEquals(200, http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode());
  }

  static String raw(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      try {
        int n;
        while ((n = in.read(buffer)) > 0) {
          answer.write(buffer, 0, n);
          String text = answer.toString(StandardCharsets.ISO_8859_1);
          int headEnd = text.indexOf("\r\n\r\n");
          if (headEnd > 0 && bodyComplete(text, headEnd)) {
            break;
          }
        }
      } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
        // the gateway closed or stopped answering: judge what arrived
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static boolean bodyComplete(String text, int headEnd) {
    String head = text.substring(0, headEnd).toLowerCase(java.util.Locale.ROOT);
    int at = head.indexOf("content-length:");
    if (at < 0) {
      return true;
    }
    int length = Integer.parseInt(head.substring(at + 15, head.indexOf("\r\n", at) < 0 ? head.length() : head.indexOf("\r\n", at)).trim());
    return text.length() - headEnd - 4 >= length;
  }

  private static String firstLine(String answer) {
    int end = answer.indexOf("\r\n");
    return end < 0 ? answer : answer.substring(0, end);
  }
}
