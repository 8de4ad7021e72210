package dev.gatehouse.gateway.bench;

import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.Setting;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A whole gateway as {@code serve} runs it (pipeline, audit trail on PostgreSQL, access log),
 * on loopback port 0, with a policy of two routes that differ only in authentication:
 * {@link #PUBLIC_PATH} is {@code public}, {@link #SCOPED_PATH} needs the {@code agents:read}
 * scope. Load is spread over many tokens and, through the trusted-proxy setting, many client
 * addresses, so that the shipped per-token and per-address budgets are not what is measured.
 */
final class BenchGateway implements AutoCloseable {

  static final String PUBLIC_PATH = "/public/agents/a1";
  static final String SCOPED_PATH = "/api/agents/a1";
  /** The load generator's connections come from here and carry {@code X-Forwarded-For}. */
  static final String TRUSTED_PROXY = "127.0.0.1";

  private static final String POLICY = """
      version: 1
      routes:
        - id: bench-public
          methods: [GET]
          path: /public/agents/{agentId}
          action: public
        - id: bench-scoped
          methods: [GET]
          path: /api/agents/{agentId}
          scopes: [agents:read]
          action: allow
      """;
  private static final int MINT_THREADS = 8;
  private static final String QUEUE_DEPTH_METRIC = "gatehouse_audit_queue_depth";

  private final HttpClient http = HttpClient.newHttpClient();

  private final TestDatabase database;
  private final AuditSwitch audit = new AuditSwitch();
  private final Gateway gateway;

  BenchGateway(Vertx vertx, Path workDir, String upstreamUrl) throws Exception {
    Path dataDir = Files.createDirectories(workDir.resolve("gateway"));
    Path policy = Files.writeString(workDir.resolve("bench-policy.yaml"), POLICY);
    database = new TestDatabase();
    try {
      gateway = Await.result(Gateway.start(vertx, new ConfigLoader().load(Optional.empty(), Map.of(), List.of(
          setting("dataDir", dataDir.toString()),
          setting("server.listen", "127.0.0.1:0"),
          setting("admin.listen", "127.0.0.1:0"),
          setting("server.nodeId", "bench"),
          setting("server.trustedProxies", TRUSTED_PROXY),
          setting("upstream.url", upstreamUrl),
          setting("database.url", database.url()),
          setting("policy.file", policy.toString()),
          // All bench tokens belong to one workspace; its budget must not be what is measured.
          setting("limits.perWorkspace.burst", "1000000"),
          setting("limits.perWorkspace.interval", "1ms"),
          // One token seen from many addresses is what D05 revokes automatically; the detector's
          // own cost is DetectionEngineBenchmark's subject (audit-detector).
          setting("detector.enabled", "false"))), audit));
    } catch (Exception e) {
      database.close();
      throw e;
    }
  }

  private static Setting setting(String key, String value) {
    return new Setting(key, value, "benchmark");
  }

  /** Whether the main listener's audit events reach the audit writer (see {@link AuditSwitch}). */
  void audit(boolean on) {
    audit.set(on);
  }

  int port() {
    return gateway.port();
  }

  /** Mints {@code count} tokens with the scoped route's scope, each for its own subject. */
  List<String> mintTokens(int count) throws Exception {
    AdminClient admin = new AdminClient(gateway);
    String workspace = admin.createWorkspace("bench");
    ExecutorService pool = Executors.newFixedThreadPool(MINT_THREADS);
    try {
      List<Future<String>> minted = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String subject = "bench-agent-" + i;
        minted.add(pool.submit(() -> admin.mint(workspace, subject, List.of("agents:read"))));
      }
      List<String> tokens = new ArrayList<>(count);
      for (Future<String> token : minted) {
        tokens.add(token.get());
      }
      return tokens;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Waits until the audit writer's queue is empty, at most {@code limit}, so that one round's
   * audit inserts do not run during the next. Returns the depth first seen.
   */
  long awaitAuditDrained(Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    long first = auditQueueDepth();
    long depth = first;
    while (depth > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      depth = auditQueueDepth();
    }
    return first;
  }

  /** The PostgreSQL server's process id (its postmaster; the backends are its children). */
  long postgresPid() throws Exception {
    try (Connection c = DriverManager.getConnection(database.jdbcUrl());
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT setting FROM pg_settings WHERE name = 'data_directory'")) {
      rs.next();
      // The first line of postmaster.pid is the postmaster's process id.
      return Long.parseLong(Files.readAllLines(Path.of(rs.getString(1), "postmaster.pid")).get(0).trim());
    }
  }

  /** Audit events stored in PostgreSQL. */
  long auditEvents() throws Exception {
    try (Connection c = DriverManager.getConnection(database.jdbcUrl());
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM audit_events")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private long auditQueueDepth() throws Exception {
    String adminToken = Files.readString(gateway.config().dataDir().resolve("admin-token")).trim();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.adminPort() + "/admin/v1/metrics"))
        .header("Authorization", "Bearer " + adminToken).GET().build(), HttpResponse.BodyHandlers.ofString());
    for (String line : response.body().split("\n")) {
      if (line.startsWith(QUEUE_DEPTH_METRIC)) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new IllegalStateException("no " + QUEUE_DEPTH_METRIC + " in the metrics");
  }

  @Override
  public void close() throws Exception {
    try {
      Await.result(gateway.stop());
    } finally {
      database.close();
    }
  }
}
