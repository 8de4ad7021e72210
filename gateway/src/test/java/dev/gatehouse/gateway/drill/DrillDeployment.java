package dev.gatehouse.gateway.drill;

import dev.gatehouse.gateway.admin.BootstrapToken;
import dev.gatehouse.gateway.authn.TestHttp;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.RestartableDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.StandInModel;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * What the drills run against: two gateway nodes ({@code drill-a}, {@code drill-b}) with their own
 * data directories on one PostgreSQL (which a drill may stop and start) and one keyring, in front
 * of a {@link TestUpstream}. Commands go to node A's admin API with the bootstrap token.
 */
final class DrillDeployment implements AutoCloseable {

  static final String NODE_A = "drill-a";
  static final String NODE_B = "drill-b";
  static final Duration WAIT = Duration.ofSeconds(30);

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  final RestartableDatabase database;
  final TestUpstream upstream;
  /** The model provider behind both nodes' egress listeners. */
  final StandInModel provider;
  final Gateway a;
  final Gateway b;
  final AdminClient admin;
  final Path keyring;

  /**
   * The failed-authentication budget per address and node: two more than D04's ten failures, so
   * a stolen token can still succeed after them (D04) and later failures are throttled (429).
   */
  static final int FAILED_AUTHENTICATION_BURST = 12;
  /** A route whose path names a workspace, so a cross-workspace read is visible to D09. */
  static final String WORKSPACE_ROUTE = """
        - id: workspace-agent
          methods: [GET]
          path: /api/workspaces/{workspaceId}/agents/{agentId}
          scopes: [agents:read]
          action: allow
      """;

  DrillDeployment(Path temp) throws Exception {
    database = new RestartableDatabase();
    upstream = new TestUpstream();
    provider = new StandInModel();
    keyring = temp.resolve("gateway-keyring.json");
    Path policy = temp.resolve("drill-policy.yaml");
    Files.writeString(policy, Files.readString(TestGateways.TEST_POLICY).stripTrailing() + "\n" + WORKSPACE_ROUTE);
    a = node(Files.createDirectory(temp.resolve(NODE_A)), NODE_A, policy);
    b = node(Files.createDirectory(temp.resolve(NODE_B)), NODE_B, policy);
    admin = new AdminClient(a);
  }

  private Gateway node(Path dataDir, String nodeId, Path policy) throws Exception {
    return TestGateways.start(dataDir,
        "upstream.url=" + upstream.url(),
        "database.url=" + database.url(),
        "secrets.keyring=" + keyring,
        "server.nodeId=" + nodeId,
        "policy.file=" + policy,
        "limits.failedAuthentication.burst=" + FAILED_AUTHENTICATION_BURST,
        "egress.enabled=true", "egress.listen=127.0.0.1:0", "egress.openai.baseUrl=" + provider.baseUrl(),
        TestHttp.TRUST_LOOPBACK_PROXY);
  }

  /** One chat completion through {@code node}'s egress listener with {@code credential}; its status. */
  static int modelCall(Gateway node, String credential) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.egress().port().orElseThrow()
            + "/v1/chat/completions")).header("Authorization", "Bearer " + credential)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Polls the alert API until an open alert of {@code rule} for {@code entity} exists; returns its id. */
  String awaitAlert(String rule, String entity) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      HttpResponse<String> page = admin.get("/admin/v1/alerts?status=open&rule=" + rule);
      if (page.statusCode() == 200) {
        for (Object alert : new JsonObject(page.body()).getJsonArray("alerts")) {
          if (entity.equals(((JsonObject) alert).getString("entity"))) {
            return ((JsonObject) alert).getString("id");
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no open " + rule + " alert for " + entity);
      }
      Thread.sleep(100);
    }
  }

  /** A drill of {@code runbook} whose admin commands go to node A with the bootstrap token. */
  Drill drill(Runbook runbook) {
    return new Drill(runbook, admin.url(), a.config().dataDir().resolve(BootstrapToken.FILE_NAME));
  }

  /** GET {@code path} on a node's main listener as a client at {@code address}, with a bearer token or none. */
  static int call(Gateway node, String path, String token, String address) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TestGateways.mainUrl(node) + path))
        .timeout(Duration.ofSeconds(10)).header("X-Forwarded-For", address);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Polls until a node answers {@code path} with {@code status}; returns how long that took. */
  static Duration awaitStatus(Gateway node, String path, String token, int status) throws Exception {
    return TestHttp.awaitStatus(TestGateways.mainUrl(node) + path, token, status, WAIT);
  }

  /** Polls until a node answers an anonymous GET of {@code path} from {@code address} with {@code status}. */
  static void awaitStatusFrom(Gateway node, String path, String address, int status) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    int got;
    while ((got = call(node, path, null, address)) != status) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(path + " from " + address + " answered " + got + ", expected " + status);
      }
      Thread.sleep(20);
    }
  }

  /** Polls the audit API (node A) until the events matching {@code query} satisfy {@code done}. */
  JsonArray awaitEvents(String query, Predicate<JsonArray> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      HttpResponse<String> page = admin.get("/admin/v1/audit?limit=1000&" + query);
      JsonArray events = page.statusCode() == 200 ? new JsonObject(page.body()).getJsonArray("events") : new JsonArray();
      if (done.test(events)) {
        return events;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("audit events for " + query + " did not arrive: " + events.size() + " found");
      }
      Thread.sleep(100);
    }
  }

  /** Polls until both nodes are ready and their audit spools are empty (replayed into PostgreSQL). */
  void awaitRecovered() throws Exception {
    for (Gateway node : new Gateway[] {a, b}) {
      awaitStatus(node, "/readyz", null, 200);
      AdminClient nodeAdmin = new AdminClient(node, admin.bootstrapToken());
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!spoolEmpty(nodeAdmin.get("/admin/v1/metrics"))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the audit spool of a node was not replayed in time");
        }
        Thread.sleep(100);
      }
    }
  }

  private static boolean spoolEmpty(HttpResponse<String> metrics) {
    return metrics.statusCode() == 200 && metrics.body().lines()
        .filter(l -> l.startsWith("gatehouse_audit_spool_size_bytes"))
        .allMatch(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) == 0.0)
        && metrics.body().contains("gatehouse_audit_spool_size_bytes");
  }

  /** The chain head (highest sequence number) of a node, read directly from PostgreSQL. */
  long head(String nodeId) throws Exception {
    try (Connection c = DriverManager.getConnection(database.jdbcUrl());
        PreparedStatement s = c.prepareStatement("SELECT max(seq) FROM audit_events WHERE node_id = ?")) {
      s.setString(1, nodeId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /** Runs one statement directly on PostgreSQL, as a database insider would. */
  void execute(String sql, Object... parameters) throws Exception {
    try (Connection c = DriverManager.getConnection(database.jdbcUrl());
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setObject(i + 1, parameters[i]);
      }
      s.executeUpdate();
    }
  }

  @Override
  public void close() throws Exception {
    TestGateways.stopQuietly(a);
    TestGateways.stopQuietly(b);
    upstream.close();
    provider.close();
    database.close();
  }
}
