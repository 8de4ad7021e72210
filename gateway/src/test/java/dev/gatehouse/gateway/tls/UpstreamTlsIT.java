package dev.gatehouse.gateway.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.authn.TestHttp;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.FakeSocketIoRuntime;
import dev.gatehouse.gateway.testsupport.SocketIoTestClient;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestPki;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime over https whose certificate a private CA signed: with that CA in
 * {@code upstream.tls.caFile}, requests and Socket.IO sessions reach it; without it (the JDK trust
 * store only), nothing reaches it and the client gets the generic 502.
 */
class UpstreamTlsIT {

  @TempDir
  static Path tlsDir;
  @TempDir
  static Path trustingDataDir;
  @TempDir
  static Path defaultDataDir;

  static Vertx vertx;
  static HttpServer runtime;
  static final FakeSocketIoRuntime SOCKET_IO = new FakeSocketIoRuntime();
  static final AtomicInteger REQUESTS = new AtomicInteger();
  static TestDatabase trustingDatabase;
  static TestDatabase defaultDatabase;
  static Gateway trusting;
  static Gateway byDefault;

  @BeforeAll
  static void start() throws Exception {
    TestPki ca = TestPki.create("Gatehouse test runtime CA");
    ca.writeCertificate(tlsDir.resolve("runtime-ca.pem"));
    TestPki.Issued certificate = ca.issueServer("runtime", false, "localhost");
    certificate.writeCertificate(tlsDir.resolve("runtime.crt"));
    certificate.writeKey(tlsDir.resolve("runtime.key"));
    vertx = Vertx.vertx();
    runtime = Await.result(vertx.createHttpServer(new HttpServerOptions().setSsl(true)
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tlsDir.resolve("runtime.crt").toString())
                .setKeyPath(tlsDir.resolve("runtime.key").toString())))
        .webSocketHandler(SOCKET_IO::accept)
        .requestHandler(request -> {
          REQUESTS.incrementAndGet();
          request.response().end("hello over tls");
        })
        .listen(0, "127.0.0.1"));
    String upstream = "upstream.url=https://localhost:" + runtime.actualPort();
    trustingDatabase = new TestDatabase();
    trusting = TestGateways.start(trustingDataDir, upstream, "database.url=" + trustingDatabase.url(),
        "upstream.tls.caFile=" + tlsDir.resolve("runtime-ca.pem"));
    defaultDatabase = new TestDatabase();
    byDefault = TestGateways.start(defaultDataDir, upstream, "database.url=" + defaultDatabase.url());
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(trusting);
    TestGateways.stopQuietly(byDefault);
    for (TestDatabase database : new TestDatabase[] {trustingDatabase, defaultDatabase}) {
      if (database != null) {
        database.close();
      }
    }
    if (vertx != null) {
      Await.result(vertx.close());
    }
  }

  @Test
  void a_runtime_signed_by_the_configured_ca_is_reached() throws Exception {
    HttpResponse<String> answer = TestHttp.get(TestGateways.mainUrl(trusting) + "/hello", null);
    assertEquals(200, answer.statusCode());
    assertEquals("hello over tls", answer.body());
  }

  @Test
  void without_the_ca_the_runtime_is_not_trusted_and_the_client_gets_a_generic_502() throws Exception {
    int before = REQUESTS.get();
    HttpResponse<String> answer = TestHttp.get(TestGateways.mainUrl(byDefault) + "/hello", null);
    assertEquals(502, answer.statusCode());
    assertEquals("bad_gateway", new JsonObject(answer.body()).getString("error"), answer.body());
    assertEquals(before, REQUESTS.get(), "nothing reached the untrusted runtime");
  }

  @Test
  void socket_io_sessions_use_the_same_trust() throws Exception {
    try (SocketIoTestClient client = SocketIoTestClient.open(trusting.port(), token(trusting))) {
      client.handshake(null);
      assertTrue(SOCKET_IO.awaitConnection() != null);
    }
    int connections = SOCKET_IO.connections().size();
    try (SocketIoTestClient client = SocketIoTestClient.open(byDefault.port(), token(byDefault))) {
      assertThrows(AssertionError.class, () -> client.handshake(null), "no CONNECT answer from an untrusted runtime");
    }
    assertEquals(connections, SOCKET_IO.connections().size(), "no socket reached the untrusted runtime");
  }

  private static String token(Gateway gateway) throws Exception {
    AdminClient admin = new AdminClient(gateway);
    return admin.mint(admin.createWorkspace("tls-runtime"), "reader", List.of("messages:read"));
  }
}
