package dev.gatehouse.gateway.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.StandInModel;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Budgets hold across two gateway nodes on one PostgreSQL: many calls in parallel against a
 * budget that fits exactly N of them forward exactly N, whichever node they reach; streamed calls
 * settle on their reported usage, which frees what their worst case held; a reservation that
 * never settles stops counting when it expires.
 */
class EgressBudgetIT {

  static final String KEY = "sk-real-budget-key";
  static final int PARALLEL = 24;

  @TempDir
  static Path temp;
  static TestDatabase database;
  static TestUpstream upstream;
  static StandInModel provider;
  static Gateway a;
  static Gateway b;
  static AdminClient admin;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    provider = new StandInModel();
    Path keyring = temp.resolve("shared-keyring.json");
    a = node(Files.createDirectory(temp.resolve("a")), keyring);
    b = node(Files.createDirectory(temp.resolve("b")), keyring);
    admin = new AdminClient(a);
  }

  static Gateway node(Path dataDir, Path keyring) throws Exception {
    return TestGateways.start(dataDir, "upstream.url=" + upstream.url(), "database.url=" + database.url(),
        "secrets.keyring=" + keyring, "egress.enabled=true", "egress.listen=127.0.0.1:0",
        "egress.openai.baseUrl=" + provider.baseUrl());
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(a);
    TestGateways.stopQuietly(b);
    provider.close();
    upstream.close();
    database.close();
  }

  /** A new workspace with the provider key; returns {workspace, credential of agent "a1"}. */
  static String[] workspace(String name) throws Exception {
    String workspace = admin.createWorkspace(name);
    assertEquals(204, admin.put("/admin/v1/workspaces/" + workspace + "/provider-keys/openai",
        new JsonObject().put("key", KEY)).statusCode());
    String credential = admin.post("/admin/v1/workspaces/" + workspace + "/egress-credentials",
        new JsonObject().put("agent", "a1")).getString("credential");
    return new String[] {workspace, credential};
  }

  static JsonObject chat(boolean stream) {
    return new JsonObject().put("model", "gpt-4o-mini").put("stream", stream).put("max_tokens", 100)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "count me")));
  }

  CompletableFuture<HttpResponse<InputStream>> call(Gateway node, String credential, JsonObject body) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.egress().port().orElseThrow()
                + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + credential).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  /** Sends {@value #PARALLEL} calls at once, half to each node; returns their answers. */
  List<HttpResponse<InputStream>> burst(String credential, JsonObject body) throws Exception {
    List<CompletableFuture<HttpResponse<InputStream>>> calls = new ArrayList<>();
    for (int i = 0; i < PARALLEL; i++) {
      calls.add(call(i % 2 == 0 ? a : b, credential, body));
    }
    List<HttpResponse<InputStream>> answers = new ArrayList<>();
    for (CompletableFuture<HttpResponse<InputStream>> c : calls) {
      answers.add(c.get(30, TimeUnit.SECONDS));
    }
    return answers;
  }

  static long count(List<HttpResponse<InputStream>> answers, int status) {
    return answers.stream().filter(r -> r.statusCode() == status).count();
  }

  static String body(HttpResponse<InputStream> response) throws Exception {
    try (InputStream in = response.body()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  @Tag("T-DOS-020")
  void parallel_calls_on_two_nodes_against_a_budget_of_n_requests_forward_exactly_n() throws Exception {
    String[] ws = workspace("requests");
    assertEquals(204, admin.put("/admin/v1/workspaces/" + ws[0] + "/budget",
        new JsonObject().put("window", "30d").put("maxRequests", 5)).statusCode());
    int before = provider.received().size();
    List<HttpResponse<InputStream>> answers = burst(ws[1], chat(false));
    for (HttpResponse<InputStream> answer : answers) {
      String text = body(answer);
      if (answer.statusCode() == 429) {
        assertEquals("budget_exceeded", new JsonObject(text).getJsonObject("error").getString("code"));
      }
    }
    assertEquals(5, count(answers, 200));
    assertEquals(PARALLEL - 5, count(answers, 429));
    assertEquals(5, provider.received().size() - before, "the provider saw exactly the budget's calls");
  }

  @Test
  @Tag("T-DOS-020")
  void an_agent_token_budget_admits_exactly_the_worst_cases_that_fit_and_streams_settle_on_their_usage()
      throws Exception {
    String[] ws = workspace("tokens");
    JsonObject body = chat(true);
    long worstCase = (body.encode().getBytes(StandardCharsets.UTF_8).length + 3) / 4 + 100;
    assertEquals(204, admin.put("/admin/v1/workspaces/" + ws[0] + "/agents/a1/budget",
        new JsonObject().put("window", "30d").put("maxTokens", 3 * worstCase)).statusCode());
    int before = provider.received().size();
    provider.holdStreams();
    List<HttpResponse<InputStream>> answers;
    try {
      answers = burst(ws[1], body);
    } finally {
      provider.releaseStreams();
    }
    for (HttpResponse<InputStream> answer : answers) {
      body(answer);
    }
    assertEquals(3, count(answers, 200));
    assertEquals(PARALLEL - 3, count(answers, 429));
    assertEquals(3, provider.received().size() - before);

    // Each stream settles on its final usage chunk (10 + 10), which frees the rest of its worst case.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int status;
    do {
      Thread.sleep(100);
      HttpResponse<InputStream> next = call(b, ws[1], body).get(30, TimeUnit.SECONDS);
      body(next);
      status = next.statusCode();
    } while (status != 200 && System.nanoTime() < deadline);
    assertEquals(200, status);
    JsonArray usage = new JsonObject(admin.get("/admin/v1/egress/usage?workspace=" + ws[0]).body())
        .getJsonArray("usage");
    assertEquals(1, usage.size());
    assertEquals(4, usage.getJsonObject(0).getLong("requests"));
    assertEquals(40, usage.getJsonObject(0).getLong("tokensIn"));
    assertEquals(40, usage.getJsonObject(0).getLong("tokensOut"));
  }

  @Test
  @Tag("T-DOS-020")
  void a_reservation_that_never_settles_counts_until_it_expires() throws Exception {
    String[] ws = workspace("expiry");
    assertEquals(204, admin.put("/admin/v1/workspaces/" + ws[0] + "/budget",
        new JsonObject().put("window", "30d").put("maxTokens", 1_000_000)).statusCode());
    unsettled(ws[0], 999_900, "now() + interval '10 minutes'");
    HttpResponse<InputStream> held = call(a, ws[1], chat(false)).get(30, TimeUnit.SECONDS);
    body(held);
    assertEquals(429, held.statusCode(), "a live reservation counts");
    try (Connection c = DriverManager.getConnection(database.jdbcUrl())) {
      c.createStatement().executeUpdate("UPDATE egress_calls SET expires_at = now() - interval '1 second' "
          + "WHERE workspace_id = '" + UUID.fromString(ws[0]) + "'");
    }
    HttpResponse<InputStream> freed = call(a, ws[1], chat(false)).get(30, TimeUnit.SECONDS);
    body(freed);
    assertEquals(200, freed.statusCode(), "an expired reservation no longer counts");
  }

  @Test
  @Tag("T-DOS-020")
  void a_spend_ceiling_refuses_a_model_without_a_price() throws Exception {
    String[] ws = workspace("unpriced");
    assertEquals(204, admin.put("/admin/v1/workspaces/" + ws[0] + "/budget",
        new JsonObject().put("window", "30d").put("maxCostMicros", 1_000_000)).statusCode());
    int before = provider.received().size();
    HttpResponse<InputStream> refused = call(a, ws[1], chat(false)).get(30, TimeUnit.SECONDS);
    JsonObject error = new JsonObject(body(refused)).getJsonObject("error");
    assertEquals(429, refused.statusCode());
    assertEquals("budget exceeded: cost (model has no price)", error.getString("message"));
    assertEquals(before, provider.received().size());
  }

  /** A call of agent a1 that reserved {@code tokens} and never settled (its node stopped). */
  static void unsettled(String workspace, long tokens, String expiresAt) throws Exception {
    try (Connection c = DriverManager.getConnection(database.jdbcUrl());
         PreparedStatement insert = c.prepareStatement("INSERT INTO egress_calls (id, workspace_id, agent_id, provider, "
             + "model, expires_at, reserved_tokens, reserved_cost_micros) VALUES (?, ?, 'a1', 'openai', 'gpt-4o-mini', "
             + expiresAt + ", ?, 0)")) {
      insert.setObject(1, UUID.randomUUID());
      insert.setObject(2, UUID.fromString(workspace));
      insert.setLong(3, tokens);
      assertTrue(insert.executeUpdate() == 1);
    }
  }
}
