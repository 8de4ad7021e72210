package dev.gatehouse.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.mutate.ClientIdentity;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-workspace budgets and the per-workspace client identity, on a real gateway in front of a
 * recording upstream: a workspace is refused once its budget is spent, whichever of its tokens
 * it uses, other workspaces are not, the refusal is audited, and the runtime is told a stable
 * address per workspace instead of the shared client address.
 */
class FairShareIT {

  static final int WORKSPACE_BURST = 3;

  @TempDir
  static Path dataDir;
  static GatewayFixture node;
  static String workspaceA;
  static String workspaceB;
  static String a1;
  static String a2;
  static String b;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    node = GatewayFixture.start(dataDir,
        "upstream.clientIdentity=workspace",
        "limits.perWorkspace.burst=" + WORKSPACE_BURST, "limits.perWorkspace.interval=1h");
    workspaceA = node.admin.createWorkspace("noisy");
    a1 = node.admin.mint(workspaceA, "a-one", List.of("agents:read"));
    a2 = node.admin.mint(workspaceA, "a-two", List.of("agents:read"));
    workspaceB = node.admin.createWorkspace("quiet");
    b = node.admin.mint(workspaceB, "b", List.of("agents:read"));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static HttpResponse<String> get(String path, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.gateway.port() + path));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Tag("T-DOS-008")
  void a_workspace_is_refused_once_its_budget_is_spent_across_all_its_tokens_and_others_are_not() throws Exception {
    String[] tokens = {a1, a2, a1};
    for (int i = 0; i < WORKSPACE_BURST; i++) {
      assertEquals(200, get("/api/agents/a" + i, tokens[i]).statusCode(), "request " + i + " within the budget");
    }
    int before = node.upstream.received().size();

    HttpResponse<String> refused = get("/api/agents/a9", a2);

    assertEquals(429, refused.statusCode());
    assertEquals("{\"error\":\"rate_limited\"}", refused.body());
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter > 0 && retryAfter <= 3600, "Retry-After " + retryAfter);
    assertEquals(before, node.upstream.received().size(), "the refused request never reached the runtime");
    assertEquals("workspace_rate_limited", auditReason(refused.headers().firstValue("X-Request-Id").orElseThrow()));
    assertEquals(200, get("/api/agents/b1", b).statusCode(), "another workspace keeps its own budget");
  }

  @Test
  @Tag("T-DOS-008")
  void the_runtime_is_told_one_stable_address_per_workspace() throws Exception {
    HttpResponse<String> answered = get("/api/agents/identity-probe", b);
    assertEquals(200, answered.statusCode());
    String requestId = answered.headers().firstValue("X-Request-Id").orElseThrow();

    var received = node.upstream.awaitRequest("X-Request-Id", requestId);

    assertEquals(List.of(ClientIdentity.workspaceAddress(workspaceB)), received.headers().getAll("X-Forwarded-For"));
    HttpResponse<String> anonymous = get("/hello", null);
    var anonymousReceived = node.upstream.awaitRequest("X-Request-Id",
        anonymous.headers().firstValue("X-Request-Id").orElseThrow());
    assertEquals("127.0.0.1", anonymousReceived.headers().get("X-Forwarded-For"), "anonymous: the client address");
  }

  static String auditReason(String requestId) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    try (Connection c = DriverManager.getConnection(node.database.jdbcUrl());
        PreparedStatement q = c.prepareStatement("SELECT reason_key FROM audit_events WHERE request_id = ?")) {
      q.setString(1, requestId);
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            return rs.getString(1);
          }
        }
        Thread.sleep(100);
      }
    }
    throw new AssertionError("no audit event for " + requestId);
  }
}
