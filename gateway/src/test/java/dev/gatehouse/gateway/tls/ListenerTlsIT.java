package dev.gatehouse.gateway.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.session.SessionCookie;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestPki;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both listeners speak TLS 1.2 and 1.3 only, with forward-secret AEAD suites only; the admin
 * listener with a client CA admits only clients with a certificate that CA signed; a replaced
 * certificate serves new connections without a restart while a request in flight completes; and
 * browser sessions work over https.
 */
class ListenerTlsIT {

  @TempDir
  static Path dataDir;
  @TempDir
  static Path tlsDir;

  static TestPki serverCa;
  static TestPki clientCa;
  static TestPki.Issued mainCertificate;
  static TestPki.Issued adminClient;
  static TestDatabase database;
  static Vertx upstreamVertx;
  static HttpServer upstream;
  /** Requests to the upstream's {@code /slow}, held until a test answers them. */
  static final BlockingQueue<HttpServerRequest> HELD = new LinkedBlockingQueue<>();
  static Gateway gateway;
  static String adminToken;

  @BeforeAll
  static void start() throws Exception {
    serverCa = TestPki.create("Gatehouse test server CA");
    clientCa = TestPki.create("Gatehouse test admin client CA");
    mainCertificate = serverCa.issueServer("gatehouse-main", false, "127.0.0.1", "localhost");
    mainCertificate.writeCertificate(tlsDir.resolve("main.crt"));
    mainCertificate.writeKey(tlsDir.resolve("main.key"));
    TestPki.Issued adminCertificate = serverCa.issueServer("gatehouse-admin", true, "127.0.0.1");
    adminCertificate.writeCertificate(tlsDir.resolve("admin.crt"));
    adminCertificate.writeKey(tlsDir.resolve("admin.key"));
    clientCa.writeCertificate(tlsDir.resolve("admin-clients.pem"));
    adminClient = clientCa.issueClient("operator");

    database = new TestDatabase();
    upstreamVertx = Vertx.vertx();
    upstream = Await.result(upstreamVertx.createHttpServer().requestHandler(request -> {
      if (request.path().equals("/slow")) {
        HELD.add(request);
      } else {
        request.body().onSuccess(body -> request.response().end("upstream " + request.path()));
      }
    }).listen(0, "127.0.0.1"));
    gateway = TestGateways.start(dataDir,
        "upstream.url=http://127.0.0.1:" + upstream.actualPort(),
        "database.url=" + database.url(),
        "server.tls.certFile=" + tlsDir.resolve("main.crt"),
        "server.tls.keyFile=" + tlsDir.resolve("main.key"),
        "admin.tls.certFile=" + tlsDir.resolve("admin.crt"),
        "admin.tls.keyFile=" + tlsDir.resolve("admin.key"),
        "admin.tls.clientCaFile=" + tlsDir.resolve("admin-clients.pem"));
    adminToken = Files.readString(dataDir.resolve("admin-token")).trim();
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    if (upstreamVertx != null) {
      Await.result(upstreamVertx.close());
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void both_listeners_answer_over_tls_1_3_and_1_2() throws Exception {
    for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
      HttpResponse<String> health = client(serverCa.clientContext(null), protocol)
          .send(get(mainUrl() + "/healthz").build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode());
      assertEquals(protocol, health.sslSession().orElseThrow().getProtocol());

      HttpResponse<String> status = client(serverCa.clientContext(adminClient), protocol)
          .send(get(adminUrl() + "/admin/v1/status").header("Authorization", "Bearer " + adminToken).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, status.statusCode(), status.body());
      assertEquals(protocol, status.sslSession().orElseThrow().getProtocol());
    }
  }

  @Test
  void a_client_offering_only_tls_1_1_is_refused_on_both_listeners() throws Exception {
    int ecdheRsaAes128CbcSha = 0xc013;
    int ecdheEcdsaAes128CbcSha = 0xc009;
    for (int port : List.of(gateway.port(), gateway.adminPort())) {
      ClientHello.Answer answer = ClientHello.send(port, ClientHello.TLS_1_1, ecdheRsaAes128CbcSha,
          ecdheEcdsaAes128CbcSha);
      assertEquals(new ClientHello.Answer(false, ClientHello.ALERT_PROTOCOL_VERSION), answer);
    }
  }

  @Test
  void tls_1_2_is_spoken_only_with_ecdhe_and_an_aead_cipher() throws Exception {
    int ecdheEcdsaAes128Gcm = 0xc02b;
    assertTrue(ClientHello.send(gateway.port(), ClientHello.TLS_1_2, ecdheEcdsaAes128Gcm).serverHello(),
        "the same hello with a modern suite is answered");
    int rsaAes128Gcm = 0x009c;
    int ecdheEcdsaAes128CbcSha256 = 0xc023;
    for (int suite : List.of(rsaAes128Gcm, ecdheEcdsaAes128CbcSha256)) {
      assertEquals(new ClientHello.Answer(false, ClientHello.ALERT_HANDSHAKE_FAILURE),
          ClientHello.send(gateway.port(), ClientHello.TLS_1_2, suite), Integer.toHexString(suite));
    }
  }

  @Test
  void the_admin_listener_admits_only_clients_with_a_certificate_from_its_ca() throws Exception {
    HttpRequest status = get(adminUrl() + "/admin/v1/status").header("Authorization", "Bearer " + adminToken).build();
    assertThrows(IOException.class, () -> client(serverCa.clientContext(null), "TLSv1.3")
        .send(status, HttpResponse.BodyHandlers.ofString()), "no client certificate");
    TestPki.Issued stranger = TestPki.create("Stranger CA").issueClient("operator");
    assertThrows(IOException.class, () -> client(serverCa.clientContext(stranger), "TLSv1.3")
        .send(status, HttpResponse.BodyHandlers.ofString()), "a certificate from another CA");
    assertEquals(200, client(serverCa.clientContext(adminClient), "TLSv1.3")
        .send(status, HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void a_replaced_certificate_serves_new_connections_while_the_request_in_flight_completes() throws Exception {
    BigInteger original = presentedSerial();
    CompletableFuture<HttpResponse<String>> inFlight = client(serverCa.clientContext(null), "TLSv1.3")
        .sendAsync(get(mainUrl() + "/slow").build(), HttpResponse.BodyHandlers.ofString());
    HttpServerRequest held = HELD.poll(10, TimeUnit.SECONDS);
    assertTrue(held != null, "the slow request reached the upstream");

    TestPki.Issued renewed = serverCa.issueServer("gatehouse-main-renewed", false, "127.0.0.1", "localhost");
    renewed.writeCertificate(tlsDir.resolve("main.crt"));
    Thread.sleep(3 * CertificateWatcher.INTERVAL.toMillis());
    assertEquals(original, presentedSerial(), "a certificate without its key is not taken");

    renewed.writeKey(tlsDir.resolve("main.key"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!presentedSerial().equals(renewed.serial()) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(renewed.serial(), presentedSerial(), "new connections get the new certificate");
    assertFalse(inFlight.isDone(), "the request in flight is still waiting for its answer");

    held.response().end("finished slowly");
    HttpResponse<String> answer = inFlight.get(10, TimeUnit.SECONDS);
    assertEquals(200, answer.statusCode());
    assertEquals("finished slowly", answer.body());
    X509Certificate servedInFlight = (X509Certificate) answer.sslSession().orElseThrow().getPeerCertificates()[0];
    assertEquals(original, servedInFlight.getSerialNumber(), "the request in flight kept its connection");
  }

  @Test
  void a_browser_session_over_https_passes_the_origin_check() throws Exception {
    HttpClient admin = client(serverCa.clientContext(adminClient), "TLSv1.3");
    String workspace = new JsonObject(admin.send(post(adminUrl() + "/admin/v1/workspaces",
        new JsonObject().put("name", "tls-people").encode()), HttpResponse.BodyHandlers.ofString()).body())
        .getString("id");
    String token = new JsonObject(admin.send(post(adminUrl() + "/admin/v1/tokens", new JsonObject()
        .put("workspace", workspace).put("subject", "person").put("scopes", new JsonArray(List.of("messages:write")))
        .put("ttl", "1h").encode()), HttpResponse.BodyHandlers.ofString()).body()).getString("token");

    HttpClient browser = client(serverCa.clientContext(null), "TLSv1.3");
    String origin = mainUrl();
    HttpResponse<String> signedIn = browser.send(HttpRequest.newBuilder(URI.create(mainUrl() + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Origin", origin)
        .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(303, signedIn.statusCode(), "sign-in from the https origin of the listener");
    String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
    String session = cookie.substring(SessionCookie.NAME.length() + 1, cookie.indexOf(';'));

    HttpRequest.Builder write = HttpRequest.newBuilder(URI.create(mainUrl() + "/echo"))
        .header("Cookie", SessionCookie.NAME + "=" + session)
        .POST(HttpRequest.BodyPublishers.ofString("{}"));
    assertEquals(200, browser.send(write.copy().header("Origin", origin).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(403, browser.send(write.copy().header("Origin", "http://127.0.0.1:" + gateway.port()).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode(), "the cleartext origin is another origin");
  }

  /** The serial number of the certificate the main listener presents to a new connection. */
  private static BigInteger presentedSerial() throws Exception {
    SSLContext context = serverCa.clientContext(null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", gateway.port())) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  private static String mainUrl() {
    return "https://127.0.0.1:" + gateway.port();
  }

  private static String adminUrl() {
    return "https://127.0.0.1:" + gateway.adminPort();
  }

  private static HttpClient client(SSLContext context, String protocol) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
        .sslParameters(new SSLParameters(null, new String[] {protocol}))
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpRequest.Builder get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
  }

  private static HttpRequest post(String url, String json) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + adminToken)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
  }
}
