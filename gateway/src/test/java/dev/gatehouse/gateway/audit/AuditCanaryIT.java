package dev.gatehouse.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A canary secret and a canary token sent in headers (the user agent included), bodies and query
 * strings never reach an audit row, read column by column as text, nor a log line, captured at
 * DEBUG for Gatehouse's own loggers. Nor does a token sent as a path segment.
 */
class AuditCanaryIT {

  static final String SECRET = "sk-canary-secret-4b1d9e7a";
  static final String TOKEN_PAYLOAD = "eyJjYW5hcnkiOiJ0b2tlbi1jYW5hcnktOWYyMCJ9";
  static final String TOKEN = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9." + TOKEN_PAYLOAD + ".c2lnLWNhbmFyeS10b2tlbi05ZjIw";

  @TempDir
  static Path dataDir;
  static AuditNode node;
  static String reader;
  static String writer;

  @BeforeAll
  static void start() throws Exception {
    node = new AuditNode(dataDir);
    String workspace = node.admin.createWorkspace("canary");
    reader = node.admin.mint(workspace, "reader", List.of("agents:read"));
    writer = node.admin.mint(workspace, "writer", List.of("messages:write"));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void canaries_never_reach_an_audit_row_or_a_log_line() throws Exception {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
    Logger gatehouse = logging.getLogger("dev.gatehouse");
    Level rootLevel = root.getLevel();
    Level gatehouseLevel = gatehouse.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.INFO);
    gatehouse.setLevel(Level.DEBUG);
    List<String> ids = new ArrayList<>();
    try {
      String query = "?token=" + TOKEN + "&api_key=" + SECRET;
      ids.add(send(node.request("/hello" + query).header("X-API-KEY", SECRET)
          .header("Cookie", "session=" + SECRET).header("User-Agent", "probe/1.0 " + TOKEN)));
      ids.add(send(node.request("/api/agents/a1" + query).header("Authorization", "Bearer " + TOKEN)));
      ids.add(send(node.request("/api/agents/a1" + query).header("Authorization", "Bearer " + SECRET)));
      ids.add(send(node.request("/echo" + query).header("Authorization", "Bearer " + writer)
          .POST(HttpRequest.BodyPublishers.ofString("{\"apiKey\":\"" + SECRET + "\",\"token\":\"" + TOKEN + "\"}"))));
      ids.add(send(node.request("/echo" + query)
          .POST(HttpRequest.BodyPublishers.ofString("secret=" + SECRET + "&token=" + TOKEN))));
      ids.add(RawHttp.send(node.gateway.port(), RawHttp.get("GET", "/hello" + query,
          "User-Agent: " + TOKEN, "X-Secret: " + SECRET, "X-Big: " + "b".repeat(9_000))).requestId());
      ids.add(RawHttp.send(node.gateway.port(), RawHttp.get("get", "/hello" + query,
          "Authorization: Bearer " + TOKEN)).requestId());
      // A token as a path segment: the audit trail keeps only the route's template and the
      // cleaned resource id, the access log the path with credential-shaped segments redacted.
      ids.add(send(node.request("/api/agents/" + TOKEN + "?api_key=" + SECRET)
          .header("Authorization", "Bearer " + reader).header("X-API-KEY", SECRET)));
      // Each exchange's log line is written just before its audit event: once all are stored,
      // every line has been captured.
      assertEquals(ids.size(), node.awaitStored(ids, Duration.ofSeconds(30)).size(), "every request is audited");
    } finally {
      root.detachAppender(captured);
      root.setLevel(rootLevel);
      gatehouse.setLevel(gatehouseLevel);
    }
    List<String> rows = rowsAsText();
    assertTrue(rows.size() >= ids.size());
    assertTrue(rows.stream().anyMatch(row -> row.contains("[redacted]")), "token-shaped client text is redacted");
    for (String row : rows) {
      assertFalse(row.contains(SECRET), "an audit row carries the canary secret");
      assertFalse(row.contains(TOKEN_PAYLOAD), "an audit row carries the canary token");
    }
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(logging);
    encoder.start();
    StringBuilder logs = new StringBuilder();
    for (ILoggingEvent event : captured.list) {
      String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
      logs.append(line);
    }
    for (String id : ids) {
      assertTrue(logs.indexOf(id) >= 0, "the access log line of every request was captured");
    }
    assertFalse(logs.indexOf(SECRET) >= 0, "a log line carries the canary secret");
    assertFalse(logs.indexOf(TOKEN_PAYLOAD) >= 0, "a log line carries the canary token");
  }

  private static String send(HttpRequest.Builder request) throws Exception {
    return node.send(request).headers().firstValue("X-Request-Id").orElseThrow();
  }

  private static List<String> rowsAsText() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = node.jdbc(); Statement s = c.createStatement()) {
      for (String sql : List.of("SELECT e::text FROM audit_events e", "SELECT c::text FROM audit_checkpoints c")) {
        try (ResultSet rs = s.executeQuery(sql)) {
          while (rs.next()) {
            rows.add(rs.getString(1));
          }
        }
      }
    }
    return rows;
  }
}
