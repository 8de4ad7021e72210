package dev.gatehouse.gateway.audit;

import dev.gatehouse.gateway.Main;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.RestartableDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import picocli.CommandLine;

/**
 * One gateway for the audit tests: a restartable PostgreSQL, a {@link TestUpstream}, the test
 * policy, a fixed node id, and loopback trusted as a proxy (so a test can pick client addresses
 * with {@code X-Forwarded-For}). Reads the trail through JDBC and through the admin API and CLI.
 */
final class AuditNode implements AutoCloseable {

  static final String NODE = "audit-node";

  final RestartableDatabase database;
  final TestUpstream upstream;
  final Gateway gateway;
  final AdminClient admin;
  final Path adminTokenFile;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** One CLI run: exit code and both outputs. */
  record Run(int exit, String out, String err) {}

  AuditNode(Path dataDir) throws Exception {
    database = new RestartableDatabase();
    upstream = new TestUpstream();
    gateway = TestGateways.start(dataDir,
        "upstream.url=" + upstream.url(),
        "database.url=" + database.url(),
        "server.nodeId=" + NODE,
        "server.trustedProxies=127.0.0.1/32",
        // The tests compare the chain's order with the order requests were answered; that order
        // is only defined when a single event loop serves the main listener.
        "server.eventLoops=1");
    admin = new AdminClient(gateway);
    adminTokenFile = dataDir.resolve("admin-token");
  }

  String mainUrl() {
    return "http://127.0.0.1:" + gateway.port();
  }

  String adminUrl() {
    return "http://127.0.0.1:" + gateway.adminPort();
  }

  /** Sends a request to the main listener; a missing X-Request-Id fails the test. */
  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    response.headers().firstValue("X-Request-Id").orElseThrow(() -> new AssertionError("no X-Request-Id"));
    return response;
  }

  HttpRequest.Builder request(String target) {
    return HttpRequest.newBuilder(URI.create(mainUrl() + target));
  }

  /** GET on the admin API with any bearer (null: none). */
  HttpResponse<String> adminGet(String pathAndQuery, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adminUrl() + pathAndQuery))
        .timeout(Duration.ofSeconds(30));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Every page of {@code GET /admin/v1/audit?query} as the bootstrap admin, following cursors. */
  List<JsonObject> searchAll(String query, String bearer) throws Exception {
    List<JsonObject> events = new ArrayList<>();
    String cursor = null;
    do {
      String q = query + (cursor == null ? "" : "&cursor=" + cursor);
      HttpResponse<String> response = adminGet("/admin/v1/audit?" + q, bearer);
      if (response.statusCode() != 200) {
        throw new AssertionError("search answered " + response.statusCode());
      }
      JsonObject page = new JsonObject(response.body());
      JsonArray array = page.getJsonArray("events");
      array.forEach(e -> events.add((JsonObject) e));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    return events;
  }

  /** Runs {@code gatehouse <args>} against this node's admin API with {@code tokenFile}. */
  Run cli(Path tokenFile, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--admin-url", adminUrl(), "--token-file", tokenFile.toString()));
    int exit = cli.execute(all.toArray(new String[0]));
    return new Run(exit, out.toString(), err.toString());
  }

  Connection jdbc() throws Exception {
    return DriverManager.getConnection(database.jdbcUrl());
  }

  /** Stored events per request id, counted: the request ids in sequence order. */
  List<String> storedRequestIds(Collection<String> requestIds) throws Exception {
    try (Connection c = jdbc();
        PreparedStatement select = c.prepareStatement(
            "SELECT request_id FROM audit_events WHERE request_id = ANY(?) ORDER BY node_id, seq")) {
      Array ids = c.createArrayOf("text", requestIds.toArray());
      select.setArray(1, ids);
      List<String> found = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
      return found;
    }
  }

  /** Waits until at least {@code requestIds.size()} events of these requests are stored; returns them in order. */
  List<String> awaitStored(Collection<String> requestIds, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    List<String> found = storedRequestIds(requestIds);
    while (found.size() < requestIds.size() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      found = storedRequestIds(requestIds);
    }
    // A duplicate could arrive late: look once more after the writer had time to store it.
    Thread.sleep(300);
    return storedRequestIds(requestIds);
  }

  long count(String sql) throws Exception {
    try (Connection c = jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  void execute(String sql) throws Exception {
    try (Connection c = jdbc(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      Await.result(gateway.stop());
    } finally {
      upstream.close();
      database.close();
    }
  }
}
