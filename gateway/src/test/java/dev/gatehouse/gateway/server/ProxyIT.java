package dev.gatehouse.gateway.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.NativeCryptoPlatform;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The gateway in front of a loopback upstream, with a real PostgreSQL. */
class ProxyIT {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(1);

  @TempDir
  static Path dataDir;

  static TestDatabase database;
  static TestUpstream upstream;
  static Gateway gateway;
  /** May post to /echo (scope messages:write). */
  static String token;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    gateway = TestGateways.start(dataDir,
        "upstream.url=" + upstream.url(),
        "upstream.connectTimeout=" + CONNECT_TIMEOUT.toMillis() + "ms",
        "upstream.responseTimeout=" + RESPONSE_TIMEOUT.toMillis() + "ms",
        "database.url=" + database.url());
    AdminClient admin = new AdminClient(gateway);
    token = admin.mint(admin.createWorkspace("proxy-it"), "alice", List.of("messages:write"));
  }

  @AfterAll
  static void stop() throws Exception {
    Await.result(gateway.stop());
    upstream.close();
    database.close();
  }

  static URI main(String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }

  static URI admin(String path) {
    return URI.create("http://127.0.0.1:" + gateway.adminPort() + path);
  }

  @Test
  void get_passes_through_with_a_fresh_request_id_sent_upstream_and_returned() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(main("/hello?x=1"))
        .header("X-Request-Id", "client-chosen").build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(200, response.statusCode());
    assertEquals("hello from upstream /hello", response.body());
    String returned = response.headers().firstValue("X-Request-Id").orElseThrow();
    assertTrue(returned.matches("[0-9a-f]{32}"), "gateway-minted id");
    assertEquals("/hello", upstream.awaitRequest("X-Request-Id", returned).path(), "same id upstream and back");
    assertTrue(upstream.received().stream().noneMatch(r -> "client-chosen".equals(r.headers().get("X-Request-Id"))),
        "a client-sent request id is replaced");
  }

  @Test
  void post_of_4_MiB_is_forwarded_and_returned_byte_for_byte() throws Exception {
    byte[] payload = new byte[4 * 1024 * 1024];
    new Random(42).nextBytes(payload);

    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(main("/echo"))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofByteArray());

    assertEquals(200, response.statusCode());
    assertEquals("POST", response.headers().firstValue("X-Upstream-Method").orElseThrow());
    assertEquals(payload.length, response.body().length);
    assertArrayEquals(sha256(payload), sha256(response.body()));
  }

  @Test
  void other_methods_are_forwarded() throws Exception {
    for (String method : new String[] {"PUT", "PATCH", "DELETE"}) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(main("/echo"))
          .header("Authorization", "Bearer " + token)
          .method(method, HttpRequest.BodyPublishers.ofString("body-" + method)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), method);
      assertEquals(method, response.headers().firstValue("X-Upstream-Method").orElseThrow());
      assertEquals("body-" + method, response.body());
    }
  }

  @Test
  void websocket_echo_works_through_the_proxy() throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket ws = http.newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/ws"), new WebSocket.Listener() {
          final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              reply.complete(text.toString());
            }
            socket.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    ws.sendText("ping through gatehouse", true);

    assertEquals("ping through gatehouse", reply.get(10, TimeUnit.SECONDS));
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
  }

  @Test
  void slow_upstream_gives_a_generic_504_within_the_response_timeout() throws Exception {
    long started = System.nanoTime();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(main("/slow?token=secret-canary")).build(),
        HttpResponse.BodyHandlers.ofString());
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertEquals(504, response.statusCode());
    assertEquals(new JsonObject().put("error", "gateway_timeout"), new JsonObject(response.body()));
    assertEquals("application/json;charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
    assertTrue(took.compareTo(RESPONSE_TIMEOUT.plusSeconds(3)) < 0, "answered in " + took);
    String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
    assertEquals(List.of("allow", "upstream_timeout", "504"), database.awaitAuditEvent(requestId),
        "the failure is audited with its reason");
  }

  @Test
  @Tag("T-AUD-001")
  void a_client_that_leaves_before_the_answer_is_audited_as_client_closed_not_as_an_upstream_failure()
      throws Exception {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
    Logger accessLog = logging.getLogger("dev.gatehouse.gateway.accesslog");
    Level accessLogLevel = accessLog.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    accessLog.setLevel(Level.INFO);
    String requestId;
    try {
      try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
        OutputStream out = socket.getOutputStream();
        out.write("GET /slow HTTP/1.1\r\nHost: gatehouse\r\nX-Test-Case: client-leaves\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        requestId = upstream.awaitRequest("X-Test-Case", "client-leaves").headers().get("X-Request-Id");
      }
      assertEquals(List.of("allow", "client_closed", "0"), database.awaitAuditEvent(requestId),
          "allowed, closed by the client, no status sent");
      // The runtime's silence limit has passed: nothing more can be logged about the request.
      Thread.sleep(RESPONSE_TIMEOUT.plusMillis(500).toMillis());
    } finally {
      root.detachAppender(captured);
      accessLog.setLevel(accessLogLevel);
    }
    List<String> problems = captured.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage).toList();
    assertEquals(List.of(), problems, "a client leaving is not logged as a runtime failure");
    List<String> line = captured.list.stream()
        .filter(e -> Arrays.stream(e.getArgumentArray()).anyMatch(a -> a.toString().equals("requestId=" + requestId)))
        .map(e -> e.getFormattedMessage() + " " + Arrays.toString(e.getArgumentArray())).toList();
    assertEquals(1, line.size(), "one access log line: " + line);
    assertTrue(line.get(0).startsWith("request aborted ") && line.get(0).contains("status=null"), line.get(0));
  }

  @Test
  void readiness_and_liveness_are_answered_by_the_gateway() throws Exception {
    HttpResponse<String> live = http.send(HttpRequest.newBuilder(main("/healthz")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(main("/readyz")).build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(200, live.statusCode());
    assertEquals(200, ready.statusCode());
    assertEquals("ready", new JsonObject(ready.body()).getString("status"));
  }

  @Test
  void admin_status_requires_the_bootstrap_token() throws Exception {
    Path tokenFile = dataDir.resolve("admin-token");
    String token = Files.readString(tokenFile).trim();

    HttpResponse<String> none = http.send(HttpRequest.newBuilder(admin("/admin/v1/status")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(admin("/admin/v1/status"))
        .header("Authorization", "Bearer " + token + "x").build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> right = http.send(HttpRequest.newBuilder(admin("/admin/v1/status"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(401, none.statusCode());
    assertEquals(new JsonObject().put("error", "unauthorized"), new JsonObject(none.body()));
    assertEquals(401, wrong.statusCode());
    assertEquals(200, right.statusCode());
    assertEquals("ok", new JsonObject(right.body()).getString("status"));
    assertEquals("up", new JsonObject(right.body()).getString("database"));
    assertEquals(NativeCryptoPlatform.expectedProvider(), new JsonObject(right.body()).getString("signatureProvider"));
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(tokenFile));
  }

  @Test
  void admin_api_is_not_reachable_on_the_main_listener() throws Exception {
    String token = Files.readString(dataDir.resolve("admin-token")).trim();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(main("/admin/v1/status"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(401, response.statusCode(), "the admin credential is no token of the main listener");
    assertEquals(new JsonObject().put("error", "unauthorized"), new JsonObject(response.body()));
  }

  static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }
}
