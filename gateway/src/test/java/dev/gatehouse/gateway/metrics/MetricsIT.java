package dev.gatehouse.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.SocketIoTestClient;
import dev.gatehouse.gateway.testsupport.TestGateways;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's meters after real traffic, scraped from {@code GET /admin/v1/metrics}: requests by
 * policy route id (never by raw path), the JVM's meters and the gauges; and the {@code metrics:read}
 * scope, which scrapes without an audit row per scrape and reaches nothing else.
 */
class MetricsIT {

  private static final Pattern ROUTE_LABEL = Pattern.compile("^gatehouse_requests_total\\{.*route=\"([^\"]*)\"",
      Pattern.MULTILINE);

  @TempDir
  static Path dataDir;

  static GatewayFixture fixture;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    fixture = GatewayFixture.start(dataDir);
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  @Test
  @Tag("T-ADM-006")
  void requests_are_counted_by_route_id_never_by_raw_path() throws Exception {
    String workspace = fixture.admin.createWorkspace("metrics");
    String reader = fixture.admin.mint(workspace, "reader", List.of("agents:read"));
    List<String> rawPaths = List.of("/api/agents/raw-path-one", "/api/agents/raw-path-two", "/api/agents/raw-path-three",
        "/unknown/raw-path-four", "/unknown/raw-path-five");
    for (String path : rawPaths) {
      main(path, reader);
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(200, main("/hello", null).statusCode());
    }

    String scrape = scrape(fixture.admin.bootstrapToken()).body();
    Set<String> routes = new TreeSet<>();
    Matcher m = ROUTE_LABEL.matcher(scrape);
    while (m.find()) {
      routes.add(m.group(1));
    }
    assertEquals(Set.of("agent", "hello", GatewayMetrics.NO_ROUTE), routes,
        "route labels are policy route ids (or none), whatever paths were asked for");
    for (String path : rawPaths) {
      assertFalse(scrape.contains(path.substring(path.lastIndexOf('/') + 1)), "no raw path in the scrape: " + path);
    }
    assertEquals(3, sample(scrape, "gatehouse_requests_total{decision=\"allow\",route=\"hello\",status=\"200\"}"));
    assertEquals(2, sample(scrape, "gatehouse_requests_total{decision=\"deny\",route=\"none\",status=\"404\"}"));
    assertTrue(scrape.contains("gatehouse_request_duration_seconds_bucket{decision=\"allow\",route=\"hello\","
        + "status_class=\"2xx\",le=\"0.005\"}"), "latency histogram with SLO buckets");
    assertEquals(3, sample(scrape, "gatehouse_upstream_duration_seconds_count{outcome=\"2xx\",route=\"hello\"}"));
    for (String meter : List.of("jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads",
        "jvm_classes_loaded_classes", "system_cpu_count", "process_uptime_seconds", "process_files_open_files",
        "gatehouse_socketio_sockets_open", "gatehouse_runtimes_running", "gatehouse_detector_lag_events",
        "gatehouse_audit_queue_depth", "gatehouse_audit_spool_size_bytes")) {
      assertTrue(scrape.contains("\n" + meter), "scrape has " + meter);
    }
  }

  @Test
  void the_socket_gauge_counts_open_sockets() throws Exception {
    String workspace = fixture.admin.createWorkspace("sockets");
    String chat = fixture.admin.mint(workspace, "chatter", List.of("messages:read", "messages:write"));
    try (SocketIoTestClient client = SocketIoTestClient.open(fixture.gateway.port(), chat)) {
      client.handshake(null);
      assertEquals(1, sample(scrape(fixture.admin.bootstrapToken()).body(), "gatehouse_socketio_sockets_open"));
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    double open = 1;
    while (open != 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      open = sample(scrape(fixture.admin.bootstrapToken()).body(), "gatehouse_socketio_sockets_open");
    }
    assertEquals(0, open, "a closed socket is no longer counted");
  }

  @Test
  @Tag("T-ADM-006")
  void a_metrics_read_token_scrapes_without_audit_rows_and_reaches_nothing_else() throws Exception {
    String workspace = fixture.admin.createWorkspace("scraper");
    String scraper = fixture.admin.mint(workspace, "prometheus", List.of("metrics:read"));

    List<String> scrapes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> scrape = scrape(scraper);
      assertEquals(200, scrape.statusCode());
      assertTrue(scrape.body().contains("gatehouse_audit_queue_depth"), "the scrape is the node's meters");
      scrapes.add(requestId(scrape));
    }
    HttpResponse<String> elsewhere = new AdminClient(fixture.gateway, scraper).get("/admin/v1/status");
    HttpResponse<String> tokens = new AdminClient(fixture.gateway, scraper).get("/admin/v1/tokens?workspace=" + workspace);
    HttpResponse<String> audit = new AdminClient(fixture.gateway, scraper).get("/admin/v1/audit");
    assertEquals(List.of(401, 401, 401), List.of(elsewhere.statusCode(), tokens.statusCode(), audit.statusCode()),
        "metrics:read reaches GET /admin/v1/metrics only");
    HttpResponse<String> fullScrape = scrape(fixture.admin.bootstrapToken());
    assertEquals(200, fullScrape.statusCode());

    // Recorded after the scrapes, by the same writer in order: once these are stored, a scrape's event would be too.
    assertEquals("deny", fixture.database.awaitAuditEvent(requestId(elsewhere)).get(0),
        "a refused request of the scraper is audited");
    assertEquals("allow", fixture.database.awaitAuditEvent(requestId(fullScrape)).get(0),
        "a scrape with the admin credential is audited");
    assertEquals(0, storedEvents(scrapes), "the scraper's own scrapes leave no audit row");
  }

  /** The value of the series {@code series} (name and labels as printed), or a failed test. */
  private static double sample(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
      }
    }
    throw new AssertionError("no series " + series + " in the scrape");
  }

  private static long storedEvents(List<String> requestIds) throws Exception {
    try (Connection c = DriverManager.getConnection(fixture.database.jdbcUrl());
        PreparedStatement q = c.prepareStatement("SELECT count(*) FROM audit_events WHERE request_id = ANY (?)")) {
      q.setArray(1, c.createArrayOf("text", requestIds.toArray()));
      try (ResultSet rows = q.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static String requestId(HttpResponse<String> response) {
    return response.headers().firstValue("X-Request-Id").orElseThrow();
  }

  private static HttpResponse<String> scrape(String token) throws Exception {
    return new AdminClient(fixture.gateway, token).get("/admin/v1/metrics");
  }

  private static HttpResponse<String> main(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TestGateways.mainUrl(fixture.gateway) + path))
        .timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
