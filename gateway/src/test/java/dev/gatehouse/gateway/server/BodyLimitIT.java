package dev.gatehouse.gateway.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.limit.BodyLimit;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code server.maxBodySize} on the main listener, in front of a {@link TestUpstream} that records
 * how each {@code /upload} body ended: a declared length over the cap is refused before anything
 * is forwarded, a chunked body that grows past it never reaches the runtime complete, a body at
 * the cap passes unchanged, and WebSocket traffic is not counted as a body.
 */
@Tag("T-DOS-006")
class BodyLimitIT {

  static final int CAP = 64 * 1024;
  static final int CHUNK = 8 * 1024;
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir
  static Path dataDir;

  static GatewayFixture fixture;
  /** May post to /echo and /upload (scope messages:write). */
  static String token;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    fixture = GatewayFixture.start(dataDir, "server.maxBodySize=" + CAP);
    token = fixture.admin.mint(fixture.admin.createWorkspace("body-limit"), "uploader", List.of("messages:write"));
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  @ParameterizedTest(name = "Content-Length {0}")
  @ValueSource(longs = {CAP + 1, 1L << 40})
  void a_declared_length_over_the_cap_is_answered_413_and_nothing_is_forwarded(long declared) throws Exception {
    Answer answer;
    try (Socket socket = connect()) {
      send(socket, head("/upload", "Content-Length: " + declared));
      answer = readUntilClosed(socket);
    }

    assertEquals(413, answer.status(), answer.text());
    assertEquals(new JsonObject().put("error", "payload_too_large"), new JsonObject(answer.body()));
    assertEquals("close", answer.header("connection"));
    String requestId = answer.header("x-request-id");
    assertTrue(fixture.upstream.received().stream()
        .noneMatch(r -> requestId.equals(r.headers().get("X-Request-Id"))), "the runtime received the request");
    assertEquals(List.of("deny", BodyLimit.DECLARED_REASON, "413"), awaitAudit(requestId));
  }

  @Test
  void a_chunked_body_growing_past_the_cap_is_cut_off_upstream_and_answered_413() throws Exception {
    Answer answer;
    try (Socket socket = connect()) {
      send(socket, head("/upload", "Transfer-Encoding: chunked", "X-Test-Case: chunked-over-cap"));
      send(socket, chunk(CHUNK));
      fixture.upstream.awaitRequest("X-Test-Case", "chunked-over-cap");
      for (int sent = CHUNK; sent <= CAP; sent += CHUNK) {
        send(socket, chunk(CHUNK));
      }
      send(socket, "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      answer = readUntilClosed(socket);
    }

    assertEquals(413, answer.status(), answer.text());
    assertEquals(new JsonObject().put("error", "payload_too_large"), new JsonObject(answer.body()));
    String requestId = answer.header("x-request-id");
    TestUpstream.Upload upload = fixture.upstream.awaitUpload(requestId);
    assertFalse(upload.complete(), "the runtime received the whole request: " + upload);
    assertTrue(upload.bytes() <= CAP, "the runtime received bytes over the cap: " + upload);
    assertEquals(List.of("deny", BodyLimit.STREAMED_REASON, "413"), awaitAudit(requestId));
  }

  @Test
  void a_chunked_body_crossing_the_cap_after_the_answer_started_closes_the_connection() throws Exception {
    Answer answer;
    try (Socket socket = connect()) {
      send(socket, head("/upload?answer=early", "Transfer-Encoding: chunked"));
      send(socket, chunk(CHUNK));
      String started = readUntil(socket.getInputStream(), "receiving\n");
      assertTrue(started.startsWith("HTTP/1.1 200 "), started);
      for (int sent = CHUNK; sent <= CAP; sent += CHUNK) {
        send(socket, chunk(CHUNK));
      }
      answer = new Answer(started + readUntilClosed(socket).text());
    }

    assertFalse(answer.text().contains("received "), "the runtime's answer ended: " + answer.text());
    assertFalse(answer.text().endsWith("0\r\n\r\n"), "the answer was terminated as if complete: " + answer.text());
    String requestId = answer.header("x-request-id");
    TestUpstream.Upload upload = fixture.upstream.awaitUpload(requestId);
    assertFalse(upload.complete(), "the runtime received the whole request: " + upload);
    assertTrue(upload.bytes() <= CAP, "the runtime received bytes over the cap: " + upload);
    assertEquals(List.of("deny", BodyLimit.STREAMED_REASON, "200"), awaitAudit(requestId));
  }

  @Test
  void a_body_exactly_at_the_cap_is_forwarded_byte_for_byte_declared_and_chunked() throws Exception {
    byte[] payload = new byte[CAP];
    new Random(7).nextBytes(payload);

    HttpResponse<byte[]> declared = http.send(HttpRequest.newBuilder(main("/echo")).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> chunked = http.send(HttpRequest.newBuilder(main("/echo")).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(payload))).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertEquals(200, declared.statusCode());
    assertArrayEquals(payload, declared.body());
    assertEquals(200, chunked.statusCode());
    assertArrayEquals(payload, chunked.body());
    String requestId = chunked.headers().firstValue("X-Request-Id").orElseThrow();
    assertEquals("chunked", fixture.upstream.awaitRequest("X-Request-Id", requestId).headers()
        .get("Transfer-Encoding"), "the second body was streamed without a declared length");
    assertEquals(List.of("allow", "allowed", "200"), awaitAudit(requestId));
  }

  @Test
  void websocket_messages_adding_up_to_more_than_the_cap_are_relayed() throws Exception {
    List<String> messages = List.of("a".repeat(30_000), "b".repeat(30_000), "c".repeat(30_000));
    List<String> replies = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Void> allEchoed = new CompletableFuture<>();
    WebSocket ws = http.newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + fixture.gateway.port() + "/ws"), new WebSocket.Listener() {
          final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              replies.add(text.toString());
              text.setLength(0);
              if (replies.size() == messages.size()) {
                allEchoed.complete(null);
              }
            }
            socket.request(1);
            return null;
          }
        }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    for (String message : messages) {
      ws.sendText(message, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    allEchoed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(messages, replies);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------- raw HTTP/1.1 on one socket

  /** A response as read off the socket up to the server's close. */
  record Answer(String text) {

    int status() {
      return Integer.parseInt(text.substring(0, text.indexOf("\r\n")).split(" ")[1]);
    }

    /** The first value of a response header, by lower-case name; null when absent. */
    String header(String name) {
      for (String line : text.substring(0, text.indexOf("\r\n\r\n")).split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    String body() {
      return text.substring(text.indexOf("\r\n\r\n") + 4);
    }
  }

  static URI main(String path) {
    return URI.create("http://127.0.0.1:" + fixture.gateway.port() + path);
  }

  static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", fixture.gateway.port());
    socket.setSoTimeout((int) TIMEOUT.toMillis());
    return socket;
  }

  static byte[] head(String target, String... headerLines) {
    StringBuilder head = new StringBuilder("POST ").append(target).append(" HTTP/1.1\r\nHost: localhost\r\n")
        .append("Authorization: Bearer ").append(token).append("\r\nContent-Type: application/octet-stream\r\n");
    for (String line : headerLines) {
      head.append(line).append("\r\n");
    }
    return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] chunk(int size) {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(data);
    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  static void send(Socket socket, byte[] bytes) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  /** Reads until {@code marker} has arrived; fails on end of stream or after the socket timeout. */
  static String readUntil(InputStream in, String marker) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    while (!received.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
      int b = in.read();
      if (b == -1) {
        throw new AssertionError("connection closed before " + marker.trim() + ": "
            + received.toString(StandardCharsets.ISO_8859_1));
      }
      received.write(b);
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads until the server ends the connection (end of stream, or a reset when it closed with our
   * bytes unread). A socket timeout fails the test: the server kept the connection open, so every
   * answer this returns proves the close.
   */
  static Answer readUntilClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) != -1; ) {
        received.write(buffer, 0, n);
      }
    } catch (SocketException reset) {
      // Closed with unread input: the peer's kernel answers with a reset. Still a close.
    }
    return new Answer(received.toString(StandardCharsets.ISO_8859_1));
  }

  /** decision, reason_key and status of the request's audit event; waits up to 10 s for it. */
  static List<String> awaitAudit(String requestId) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try (Connection c = DriverManager.getConnection(fixture.database.jdbcUrl());
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
    throw new AssertionError("no audit event for " + requestId);
  }
}
