package dev.gatehouse.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Spans exported over OTLP/HTTP to a receiver the test runs: one server span per request, a child
 * per pipeline stage and one for the call to the runtime, whose {@code traceparent} the runtime
 * receives; a {@code traceparent} is adopted only from a trusted proxy (here 127.0.0.2).
 */
class TracingIT {

  private static final String TRUSTED_PROXY = "127.0.0.2";
  private static final String UNTRUSTED_CLIENT = "127.0.0.1";
  private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");
  private static final Pattern REQUEST_ID = Pattern.compile("(?im)^X-Request-Id: *(\\S+)");

  @TempDir
  static Path dataDir;

  static Vertx vertx;
  static HttpServer receiver;
  static final Queue<Span> SPANS = new ConcurrentLinkedQueue<>();
  static GatewayFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    receiver = Await.result(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      try {
        ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(body.getBytes());
        export.getResourceSpansList().forEach(r -> r.getScopeSpansList().forEach(s -> SPANS.addAll(s.getSpansList())));
        request.response().putHeader("Content-Type", "application/x-protobuf")
            .end(io.vertx.core.buffer.Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
      } catch (Exception e) {
        request.response().setStatusCode(400).end();
      }
    })).listen(0, "127.0.0.1"));
    fixture = GatewayFixture.start(dataDir,
        "tracing.enabled=true",
        "tracing.endpoint=http://127.0.0.1:" + receiver.actualPort() + "/v1/traces",
        "tracing.sampleRatio=1",
        "server.trustedProxies=" + TRUSTED_PROXY + "/32");
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
    Await.result(vertx.close());
  }

  @Test
  void a_request_is_one_trace_with_stage_spans_and_an_upstream_span_whose_context_reaches_the_runtime()
      throws Exception {
    String clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    ListAppender<ILoggingEvent> accessLog = new ListAppender<>();
    accessLog.start();
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
    Logger accessLogger = logging.getLogger("dev.gatehouse.gateway.accesslog");
    Level level = accessLogger.getLevel();
    root.addAppender(accessLog);
    accessLogger.setLevel(Level.INFO);
    String requestId;
    try {
      requestId = get(UNTRUSTED_CLIENT, "/hello", "00-" + clientTrace + "-00f067aa0ba902b7-01");
      fixture.database.awaitAuditEvent(requestId);
    } finally {
      root.detachAppender(accessLog);
      accessLogger.setLevel(level);
    }

    Matcher sent = traceparentAtRuntime(requestId);
    String traceId = sent.group(1);
    assertNotEquals(clientTrace, traceId, "an untrusted client's traceparent is not adopted");

    List<Span> trace = awaitTrace(traceId, 9);
    Span server = only(trace, s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
    assertTrue(server.getParentSpanId().isEmpty(), "a new root: the client's parent is not adopted");
    assertEquals("GET hello", server.getName());
    Set<String> children = trace.stream().filter(s -> s != server)
        .peek(s -> assertEquals(hex(server.getSpanId()), hex(s.getParentSpanId()), s.getName() + " is a child"))
        .map(Span::getName).collect(Collectors.toSet());
    assertEquals(Set.of("admission", "canonicalize", "limit", "authenticate", "authorize", "runtime", "proxy",
        "upstream"), children);
    Span upstream = only(trace, s -> s.getName().equals("upstream"));
    assertEquals(hex(upstream.getSpanId()), sent.group(2), "the runtime's parent is the gateway's upstream span");
    assertEquals(traceId, auditedTraceId(requestId), "the audit event carries the trace id");
    List<String> line = accessLog.list.stream()
        .filter(e -> Arrays.stream(e.getArgumentArray()).anyMatch(a -> a.toString().equals("requestId=" + requestId)))
        .map(e -> Arrays.toString(e.getArgumentArray())).toList();
    assertEquals(1, line.size(), "one access log line: " + line);
    assertTrue(line.get(0).contains("traceId=" + traceId), "the access log line carries the trace id: " + line);
  }

  @Test
  void a_trusted_proxys_traceparent_is_adopted() throws Exception {
    String proxyTrace = "0af7651916cd43dd8448eb211c80319c";
    String proxySpan = "b7ad6b7169203331";
    String requestId = get(TRUSTED_PROXY, "/hello", "00-" + proxyTrace + "-" + proxySpan + "-01");

    assertEquals(proxyTrace, traceparentAtRuntime(requestId).group(1), "the runtime continues the proxy's trace");
    Span server = only(awaitTrace(proxyTrace, 9), s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
    assertEquals(proxySpan, hex(server.getParentSpanId()));
  }

  private static String auditedTraceId(String requestId) throws Exception {
    fixture.database.awaitAuditEvent(requestId);
    try (Connection c = DriverManager.getConnection(fixture.database.jdbcUrl());
        PreparedStatement q = c.prepareStatement("SELECT trace_id FROM audit_events WHERE request_id = ?")) {
      q.setString(1, requestId);
      try (ResultSet rows = q.executeQuery()) {
        assertTrue(rows.next());
        return rows.getString(1);
      }
    }
  }

  private static Matcher traceparentAtRuntime(String requestId) throws Exception {
    String header = fixture.upstream.awaitRequest("X-Request-Id", requestId).headers().get("traceparent");
    Matcher m = TRACEPARENT.matcher(header == null ? "" : header);
    assertTrue(m.matches(), "the runtime receives a traceparent: " + header);
    return m;
  }

  private static List<Span> awaitTrace(String traceId, int spans) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    List<Span> found = List.of();
    while (System.nanoTime() < deadline) {
      found = SPANS.stream().filter(s -> hex(s.getTraceId()).equals(traceId)).toList();
      if (found.size() >= spans) {
        return found;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("trace " + traceId + " has " + found.size() + " spans: "
        + found.stream().map(Span::getName).toList());
  }

  private static Span only(List<Span> spans, java.util.function.Predicate<Span> which) {
    List<Span> matching = spans.stream().filter(which).toList();
    assertEquals(1, matching.size(), "spans: " + spans.stream().map(Span::getName).toList());
    return matching.get(0);
  }

  private static String hex(com.google.protobuf.ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  /** GET {@code path} over a connection from {@code localAddress}; returns the request id. */
  private static String get(String localAddress, String path, String traceparent) throws Exception {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(localAddress, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", fixture.gateway.port()), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: gateway\r\ntraceparent: " + traceparent
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertTrue(response.startsWith("HTTP/1.1 200"), response);
      Matcher id = REQUEST_ID.matcher(response);
      assertTrue(id.find(), response);
      return id.group(1);
    }
  }
}
