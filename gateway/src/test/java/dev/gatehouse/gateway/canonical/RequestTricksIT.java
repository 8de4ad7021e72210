package dev.gatehouse.gateway.canonical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Path and header tricks against a running gateway, written as raw HTTP/1.1 bytes on a socket so
 * that every request reaches the gateway exactly as an attacker would send it (absolute-form
 * targets, CR in a header value and repeated headers cannot be sent by ordinary clients). Each
 * trick is either refused, with its status, a generic body and nothing reaching the runtime, or
 * normalized, with the runtime receiving exactly the normalized target and the gateway's own
 * forwarding headers. Display names carry the pitfall row ("GW-nn") they regress.
 */
class RequestTricksIT {

  static final String RUNTIME_KEY = "runtime-key-tricks-41c9";
  static final String MARKER = "X-Trick";

  @TempDir
  static Path dataDir;
  static TestDatabase database;
  static TestUpstream upstream;
  static Gateway gateway;
  static String reader;

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    gateway = TestGateways.start(dataDir,
        "upstream.url=" + upstream.url(),
        "upstream.apiKey=" + RUNTIME_KEY,
        "database.url=" + database.url());
    AdminClient admin = new AdminClient(gateway);
    reader = admin.mint(admin.createWorkspace("tricks"), "reader", List.of("agents:read"));
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    upstream.close();
    database.close();
  }

  static Stream<Arguments> refusedTricks() {
    return Stream.of(
        refused("GW-01 encoded dot-dot segment %2e%2e", "GET /api/agents/%2e%2e", 400),
        refused("GW-01 mixed-case encoded dot-dot %2E%2e", "GET /hello/%2E%2e/api/agents/a1", 400),
        refused("GW-01 dot segment /./", "GET /api/./agents/a1", 400),
        refused("GW-01 dot-dot segment /../", "GET /hello/../api/agents/a1", 400),
        refused("GW-02 encoded slash %2f", "GET /api/agents/a%2fb", 400),
        refused("GW-02 encoded slash %2F", "GET /api/agents/a%2Fb", 400),
        refused("GW-02 encoded backslash %5c", "GET /api/agents/a%5cb", 400),
        refused("GW-02 raw backslash", "GET /api/agents\\a1", 400),
        refused("GW-02 encoded NUL %00", "GET /api/agents/a%00b", 400),
        refused("GW-02 encoded NUL %00 in the query", "GET /api/agents/a1?x=%00", 400),
        refused("GW-03 encoded fragment %23", "GET /api/agents/a%23b", 400),
        refused("GW-03 raw fragment #", "GET /hello#/../api/system/env/local", 400),
        refused("GW-06 double slash //", "GET //api/agents/a1", 400),
        refused("GW-06 empty inner segment", "GET /api//agents/a1", 400),
        refused("GW-06 path parameter ;", "GET /api/agents/a1;x=1", 400),
        refused("GW-07 overlong UTF-8 %c0%af", "GET /api/agents/%c0%af", 400),
        refused("GW-07 invalid percent-encoding %zz", "GET /api/agents/a%zz", 400),
        refused("GW-07 truncated percent-encoding", "GET /api/agents/a%4", 400),
        refused("GW-08 absolute-form target", "GET http://evil/api/agents/a1", 400),
        refused("GW-08 opaque absolute-form target", "GET http:http://evil/admin", 400),
        refused("GW-08 authority-form target", "GET evil.example:443", 400),
        refused("GW-08 asterisk-form target", "OPTIONS *", 400),
        refused("GW-08 CONNECT tunnel", "CONNECT evil.example:443", 405),
        refused("GW-08 TRACE", "TRACE /api/agents/a1", 405),
        refused("GW-14 underscore header name", "GET /api/agents/a1", 400, "X_Forwarded_For: 10.0.0.1"),
        refused("GW-17 CR in a header value", "GET /api/agents/a1", 400, "X-Note: a\rInjected: b"),
        refused("GW-17 NUL in a header value", "GET /api/agents/a1", 400, "X-Note: a\0b"),
        refused("GW-18 duplicate Authorization", "GET /api/agents/a1", 400, "Authorization: Bearer other"));
  }

  static Stream<Arguments> normalizedTricks() {
    return Stream.of(
        normalized("GW-07 %7e decoded to ~", "/api/agents/%7ebob", "/api/agents/~bob"),
        normalized("GW-07 lowercase hex upper-cased", "/api/agents/a%3ab", "/api/agents/a%3Ab"),
        normalized("GW-07 encoded unreserved letters decoded before routing", "/api/%61gents/%41%31", "/api/agents/A1"),
        normalized("GW-05 query kept out of routing and forwarded normalized", "/api/agents/a1?q=%7e%2f",
            "/api/agents/a1"));
  }

  static Stream<Arguments> headerTricks() {
    return Stream.of(
        header("GW-11 spoofed X-Forwarded-For replaced by the peer address",
            List.of("X-Forwarded-For: 203.0.113.9"),
            h -> assertEquals("127.0.0.1", h.get("X-Forwarded-For"))),
        header("GW-13 forwarding family dropped",
            List.of("Forwarded: for=203.0.113.9;host=evil", "X-Forwarded-Host: evil", "X-Forwarded-Prefix: /admin",
                "X-Forwarded-Port: 1", "X-Forwarded-Proto: https", "X-Forwarded-Uri: /api/system/env/local",
                "X-Real-IP: 203.0.113.9", "X-Original-URL: /api/system/env/local", "X-HTTP-Method-Override: DELETE"),
            h -> {
              for (String name : List.of("Forwarded", "X-Forwarded-Host", "X-Forwarded-Prefix", "X-Forwarded-Port",
                  "X-Forwarded-Proto", "X-Forwarded-Uri", "X-Real-IP", "X-Original-URL", "X-HTTP-Method-Override")) {
                assertNull(h.get(name), name + " reached the runtime");
              }
              assertEquals("127.0.0.1", h.get("X-Forwarded-For"));
            }),
        header("GW-15 Connection naming X-Api-Key cannot remove the runtime key",
            List.of("Connection: close, X-Api-Key, X-Forwarded-For"),
            h -> {
              assertEquals(RUNTIME_KEY, h.get("X-API-KEY"));
              assertEquals("127.0.0.1", h.get("X-Forwarded-For"));
            }),
        header("GW-15 client X-API-KEY replaced by the runtime key",
            List.of("X-API-KEY: client-guess"),
            h -> assertEquals(List.of(RUNTIME_KEY), h.getAll("X-API-KEY"))),
        header("GW-16 client X-Gatehouse-* headers dropped",
            List.of("X-Gatehouse-Forward-Target: /api/system/env/local", "X-Gatehouse-Principal: admin"),
            h -> h.names().forEach(n -> assertTrue(!n.toLowerCase(Locale.ROOT).startsWith("x-gatehouse-"),
                n + " reached the runtime"))),
        header("GW-16 the gateway credential never reaches the runtime",
            List.of(),
            h -> assertNull(h.get("Authorization"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedTricks")
  void trick_is_refused_with_a_generic_error_and_nothing_reaches_the_runtime(String name, String requestLine,
      int status, List<String> headers) throws Exception {
    int before = upstream.received().size();
    String marker = UUID.randomUUID().toString();

    RawResponse response = send(requestLine, headers, marker);

    assertEquals(status, response.status(), name);
    assertGenericBody(status, response.body(), name);
    assertTrue(upstream.received().stream().noneMatch(r -> marker.equals(r.headers().get(MARKER))),
        name + ": reached the runtime");
    assertEquals(before, upstream.received().size(), name + ": the runtime received a request");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("normalizedTricks")
  void trick_is_normalized_and_the_runtime_receives_exactly_the_normalized_target(String name, String target,
      String forwardedPath) throws Exception {
    String marker = UUID.randomUUID().toString();

    RawResponse response = send("GET " + target, List.of(), marker);

    assertEquals(200, response.status(), name);
    TestUpstream.Received seen = upstream.awaitRequest(MARKER, marker);
    assertEquals(forwardedPath, seen.path(), name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("headerTricks")
  void client_forwarding_and_credential_headers_are_replaced_by_the_gateways_own(String name, List<String> headers,
      Consumer<MultiMap> check) throws Exception {
    String marker = UUID.randomUUID().toString();

    RawResponse response = send("GET /api/agents/a1", headers, marker);

    assertEquals(200, response.status(), name);
    TestUpstream.Received seen = upstream.awaitRequest(MARKER, marker);
    assertEquals("/api/agents/a1", seen.path(), name);
    check.accept(seen.headers());
  }

  /**
   * A refusal's body is the gateway's fixed JSON for its status; a request the HTTP parser itself
   * cannot read is refused before the gateway sees it, with an empty body.
   */
  static void assertGenericBody(int status, String body, String name) {
    if (body.isEmpty()) {
      return;
    }
    assertEquals(new JsonObject().put("error", ErrorBody.forStatus(status).key()), new JsonObject(body), name);
  }

  /** One response read off the socket. */
  record RawResponse(int status, String body) {}

  /**
   * Writes {@code requestLine HTTP/1.1}, a Host, the reader's Authorization, the marker header and
   * {@code headers}, then reads the response until the gateway closes the connection.
   */
  static RawResponse send(String requestLine, List<String> headers, String marker) throws Exception {
    StringBuilder request = new StringBuilder(requestLine).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(gateway.port()).append("\r\n")
        .append("Authorization: Bearer ").append(reader).append("\r\n")
        .append(MARKER).append(": ").append(marker).append("\r\n");
    boolean connection = false;
    for (String h : headers) {
      request.append(h).append("\r\n");
      connection |= h.regionMatches(true, 0, "Connection:", 0, 11);
    }
    if (!connection) {
      request.append("Connection: close\r\n");
    }
    request.append("\r\n");
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return parse(readResponse(socket.getInputStream()));
    }
  }

  /** Reads one response: to the end of its Content-Length or last chunk, or until the connection closes. */
  static byte[] readResponse(InputStream in) throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) != -1; ) {
      all.write(buffer, 0, n);
      if (complete(all.toString(StandardCharsets.ISO_8859_1))) {
        break;
      }
    }
    return all.toByteArray();
  }

  static boolean complete(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    String head = text.substring(0, end).toLowerCase(Locale.ROOT);
    int length = head.indexOf("\r\ncontent-length:");
    if (length >= 0) {
      int eol = head.indexOf("\r\n", length + 2);
      String value = head.substring(length + 17, eol < 0 ? head.length() : eol).trim();
      return text.length() - end - 4 >= Integer.parseInt(value);
    }
    if (head.contains("\r\ntransfer-encoding: chunked")) {
      return text.endsWith("\r\n0\r\n\r\n") || text.substring(end + 4).startsWith("0\r\n\r\n");
    }
    return false;
  }

  static RawResponse parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      throw new AssertionError("not an HTTP/1.1 response (" + raw.length + " bytes)");
    }
    int status = Integer.parseInt(text.substring(9, 12));
    String head = text.substring(0, end).toLowerCase(Locale.ROOT);
    String body = text.substring(end + 4);
    if (head.contains("\r\ntransfer-encoding: chunked")) {
      StringBuilder joined = new StringBuilder();
      int at = 0;
      while (true) {
        int line = body.indexOf("\r\n", at);
        int size = Integer.parseInt(body.substring(at, line).trim(), 16);
        if (size == 0) {
          break;
        }
        joined.append(body, line + 2, line + 2 + size);
        at = line + 2 + size + 2;
      }
      body = joined.toString();
    }
    return new RawResponse(status, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
  }

  static Arguments refused(String name, String requestLine, int status, String... headers) {
    return Arguments.of(name, requestLine, status, List.of(headers));
  }

  static Arguments normalized(String name, String target, String forwardedPath) {
    return Arguments.of(name, target, forwardedPath);
  }

  static Arguments header(String name, List<String> headers, Consumer<MultiMap> check) {
    return Arguments.of(name, headers, check);
  }
}
