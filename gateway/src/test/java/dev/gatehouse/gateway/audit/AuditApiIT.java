package dev.gatehouse.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.Main;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code GET /admin/v1/audit} and {@code /admin/v1/audit/verify}: filters, keyset pages, strict
 * parameters, the workspace restriction of {@code audit:read} tokens, and the CLI's search and
 * export.
 */
class AuditApiIT {

  @TempDir
  static Path dataDir;
  static AuditNode node;
  static String workspaceA;
  static String workspaceB;
  static String auditorA;
  static String readerA;
  static Instant started;
  static final int A_EVENTS = 3;
  static final int B_EVENTS = 2;
  static int total;

  @BeforeAll
  static void start() throws Exception {
    node = new AuditNode(dataDir);
    started = Instant.now();
    workspaceA = node.admin.createWorkspace("audit-a");
    workspaceB = node.admin.createWorkspace("audit-b");
    readerA = node.admin.mint(workspaceA, "reader-a", List.of("agents:read"));
    String readerB = node.admin.mint(workspaceB, "reader-b", List.of("agents:read"));
    auditorA = node.admin.mint(workspaceA, "auditor-a", List.of("audit:read"));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < A_EVENTS; i++) {
      ids.add(id(node.send(node.request("/api/agents/a" + i).header("Authorization", "Bearer " + readerA))));
    }
    for (int i = 0; i < B_EVENTS; i++) {
      ids.add(id(node.send(node.request("/api/agents/b" + i).header("Authorization", "Bearer " + readerB))));
    }
    ids.add(id(node.send(node.request("/api/agents/x"))));
    ids.add(id(node.send(node.request("/hello"))));
    total = ids.size();
    assertEquals(total, node.awaitStored(ids, Duration.ofSeconds(30)).size());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  /** The main listener's events: the admin plane's own requests (these searches too) are audited as well. */
  static List<JsonObject> decisions(List<JsonObject> events) {
    return events.stream().filter(e -> !"admin".equals(e.getString("kind"))).toList();
  }

  static List<String> decisionLines(String jsonLines) {
    return jsonLines.lines().filter(line -> !"admin".equals(new JsonObject(line).getString("kind"))).toList();
  }

  @Test
  void filters_select_exactly_the_matching_events() throws Exception {
    String admin = node.admin.bootstrapToken();

    assertEquals(A_EVENTS, decisions(node.searchAll("workspace=" + workspaceA, admin)).size());
    assertEquals(A_EVENTS, decisions(node.searchAll("subject=reader-a&decision=allow&route=agent&status=200", admin)).size());
    assertEquals(1, decisions(node.searchAll("decision=deny&status=401", admin)).size());
    assertEquals(total, decisions(node.searchAll("from=" + started.minusSeconds(1) + "&to=" + Instant.now().plusSeconds(60),
        admin)).size());
    assertEquals(0, decisions(node.searchAll("from=" + Instant.now().plusSeconds(3600), admin)).size());
    for (JsonObject event : decisions(node.searchAll("workspace=" + workspaceB, admin))) {
      assertEquals(workspaceB, event.getString("workspace"));
    }
  }

  @Test
  void pages_follow_the_cursor_newest_first_without_repeats() throws Exception {
    List<JsonObject> events = decisions(node.searchAll("limit=2", node.admin.bootstrapToken()));

    assertEquals(total, events.size());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < events.size(); i++) {
      assertTrue(ids.add(events.get(i).getString("event_id")), "no event twice");
      if (i > 0) {
        assertTrue(events.get(i - 1).getString("ts").compareTo(events.get(i).getString("ts")) >= 0, "newest first");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"decision=maybe", "status=abc", "status=99", "status=5000", "from=yesterday",
      "from=2026-01-01", "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "cursor=garbage", "cursor=",
      "limit=0", "limit=1001", "limit=-1", "limit=1e3", "route=a%20b", "workspace=a&workspace=b", "unknown=1",
      "subject=%01x"})
  void a_malformed_parameter_is_a_bad_request(String query) throws Exception {
    HttpResponse<String> response = node.adminGet("/admin/v1/audit?" + query, node.admin.bootstrapToken());

    assertEquals(400, response.statusCode());
    assertEquals(new JsonObject().put("error", "bad_request"), new JsonObject(response.body()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"node=bad%20node", "fromSeq=1", "node=" + AuditNode.NODE + "&fromSeq=0",
      "node=" + AuditNode.NODE + "&fromSeq=5&toSeq=2", "from=x", "node=" + AuditNode.NODE + "&fromSeq=1&from=2026-01-01T00:00:00Z"})
  void a_malformed_verify_range_is_a_bad_request(String query) throws Exception {
    HttpResponse<String> response = node.adminGet("/admin/v1/audit/verify?" + query, node.admin.bootstrapToken());

    assertEquals(400, response.statusCode());
    assertEquals(new JsonObject().put("error", "bad_request"), new JsonObject(response.body()));
  }

  @Test
  void verify_reports_the_chain_and_refuses_an_unknown_node() throws Exception {
    HttpResponse<String> report = node.adminGet("/admin/v1/audit/verify?node=" + AuditNode.NODE,
        node.admin.bootstrapToken());
    HttpResponse<String> unknown = node.adminGet("/admin/v1/audit/verify?node=no-such-node",
        node.admin.bootstrapToken());

    assertEquals(200, report.statusCode());
    JsonObject json = new JsonObject(report.body());
    assertTrue(json.getBoolean("ok"));
    assertTrue(json.getLong("eventsChecked") >= total, "every decision and the admin requests so far");
    assertEquals(null, json.getValue("firstBroken"));
    assertEquals(404, unknown.statusCode());
  }

  @Test
  void an_audit_read_token_sees_only_its_own_workspace_whatever_it_asks_for() throws Exception {
    List<JsonObject> own = decisions(node.searchAll("limit=1000", auditorA));
    List<JsonObject> askedForB = decisions(node.searchAll("workspace=" + workspaceB, auditorA));

    assertEquals(A_EVENTS, own.size());
    own.forEach(event -> assertEquals(workspaceA, event.getString("workspace")));
    assertEquals(A_EVENTS, askedForB.size());
    askedForB.forEach(event -> assertEquals(workspaceA, event.getString("workspace")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/admin/v1/status", "/admin/v1/tokens", "/admin/v1/workspaces", "/admin/v1/audit/verify",
      "/admin/v1/audit/", "/admin/v1/x/../audit/verify", "/admin/v1//audit/verify", "/admin/v1/metrics"})
  void an_audit_read_token_reaches_no_other_admin_route(String path) throws Exception {
    HttpResponse<String> response = node.adminGet(path, auditorA);

    assertEquals(401, response.statusCode());
  }

  @Test
  void an_audit_read_token_cannot_post_and_a_token_without_it_cannot_search() throws Exception {
    HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(node.adminUrl() + "/admin/v1/audit")).header("Authorization", "Bearer " + auditorA)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> noScope = node.adminGet("/admin/v1/audit", readerA);
    HttpResponse<String> none = node.adminGet("/admin/v1/audit", null);

    assertEquals(401, post.statusCode());
    assertEquals(401, noScope.statusCode());
    assertEquals(401, none.statusCode());
  }

  @Test
  void cli_search_prints_json_lines_restricted_to_an_audit_read_tokens_workspace() throws Exception {
    Path auditorFile = dataDir.resolve("auditor-token");
    Files.writeString(auditorFile, auditorA);

    AuditNode.Run asAdmin = node.cli(node.adminTokenFile, "audit", "search", "--workspace", workspaceB);
    AuditNode.Run asAuditor = node.cli(auditorFile, "audit", "search", "--workspace", workspaceB);
    AuditNode.Run paged = node.cli(node.adminTokenFile, "audit", "search", "--limit", "2");
    AuditNode.Run bad = node.cli(node.adminTokenFile, "audit", "search", "--decision", "maybe");

    assertEquals(0, asAdmin.exit(), asAdmin.err());
    assertEquals(B_EVENTS, decisionLines(asAdmin.out()).size());
    asAdmin.out().lines().forEach(line -> assertEquals(workspaceB, new JsonObject(line).getString("workspace")));
    assertEquals(0, asAuditor.exit(), asAuditor.err());
    assertEquals(A_EVENTS, decisionLines(asAuditor.out()).size());
    asAuditor.out().lines().forEach(line -> assertEquals(workspaceA, new JsonObject(line).getString("workspace")));
    assertEquals(2, paged.out().lines().count());
    assertTrue(paged.err().contains("--cursor "), paged.err());
    assertEquals(1, bad.exit());
    assertTrue(bad.err().contains("bad_request"), bad.err());
    assertFalse(asAuditor.out().contains(auditorA) || asAuditor.err().contains(auditorA), "the token is never printed");
  }

  @Test
  void cli_export_writes_every_event_as_json_lines_across_pages() throws Exception {
    Path file = dataDir.resolve("export.jsonl");

    AuditNode.Run run = node.cli(node.adminTokenFile, "audit", "export", "--from", started.minusSeconds(1).toString(),
        "--to", Instant.now().plusSeconds(60).toString(), "-o", file.toString());

    assertEquals(0, run.exit(), run.err());
    List<String> lines = Files.readAllLines(file);
    assertEquals(total, decisionLines(String.join("\n", lines)).size());
    for (String line : lines) {
      assertEquals(Set.of(), AuditEventSchema.errors(line));
    }
    assertTrue(run.err().contains("exported " + lines.size() + " events"), run.err());
    assertFalse(Files.exists(dataDir.resolve("export.jsonl.partial")));
  }

  @Test
  void cli_export_refused_leaves_no_file() throws Exception {
    Path file = dataDir.resolve("refused.jsonl");

    AuditNode.Run run = node.cli(node.adminTokenFile, "audit", "export", "--from", "not-a-time", "-o", file.toString());

    assertEquals(1, run.exit());
    assertTrue(run.err().contains("bad_request"), run.err());
    assertFalse(Files.exists(file));
    assertFalse(Files.exists(dataDir.resolve("refused.jsonl.partial")));
  }

  @Test
  void one_event_opens_by_node_and_seq_by_event_id_and_by_request_id() throws Exception {
    String admin = node.admin.bootstrapToken();
    JsonObject wanted = decisions(node.searchAll("workspace=" + workspaceB, admin)).get(0);
    String position = wanted.getString("node_id") + ":" + wanted.getLong("seq");

    HttpResponse<String> byPosition = node.adminGet("/admin/v1/audit/events/" + position, admin);
    HttpResponse<String> byEventId = node.adminGet("/admin/v1/audit/events/" + wanted.getString("event_id"), admin);
    HttpResponse<String> byRequest = node.adminGet("/admin/v1/audit/requests/" + wanted.getString("request_id"), admin);
    AuditNode.Run show = node.cli(node.adminTokenFile, "audit", "show", position);
    AuditNode.Run showRequest = node.cli(node.adminTokenFile, "audit", "show", "--request-id",
        wanted.getString("request_id"));

    assertEquals(200, byPosition.statusCode());
    assertEquals(wanted, new JsonObject(byPosition.body()));
    assertEquals(wanted, new JsonObject(byEventId.body()));
    assertEquals(1, new JsonObject(byRequest.body()).getJsonArray("events").size());
    assertEquals(wanted, new JsonObject(byRequest.body()).getJsonArray("events").getJsonObject(0));
    assertEquals(0, show.exit(), show.err());
    assertEquals(wanted, new JsonObject(show.out().strip()));
    assertEquals(0, showRequest.exit(), showRequest.err());
    assertEquals(wanted, new JsonObject(showRequest.out().strip()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/admin/v1/audit/events/node", "/admin/v1/audit/events/bad%20node:1",
      "/admin/v1/audit/events/" + AuditNode.NODE + ":0", "/admin/v1/audit/events/" + AuditNode.NODE + ":x",
      "/admin/v1/audit/requests/a%20b"})
  void a_malformed_lookup_is_a_bad_request(String path) throws Exception {
    HttpResponse<String> response = node.adminGet(path, node.admin.bootstrapToken());

    assertEquals(400, response.statusCode());
  }

  @Test
  @Tag("T-AUD-006")
  void an_audit_read_token_looking_up_another_workspaces_event_gets_the_answer_for_a_missing_one() throws Exception {
    JsonObject other = decisions(node.searchAll("workspace=" + workspaceB, node.admin.bootstrapToken())).get(0);
    JsonObject own = decisions(node.searchAll("workspace=" + workspaceA, node.admin.bootstrapToken())).get(0);
    HttpResponse<String> missing = node.adminGet("/admin/v1/audit/events/" + AuditNode.NODE + ":999999999", auditorA);
    HttpResponse<String> missingRequest = node.adminGet("/admin/v1/audit/requests/no-such-request", auditorA);

    List<HttpResponse<String>> foreign = List.of(
        node.adminGet("/admin/v1/audit/events/" + other.getString("node_id") + ":" + other.getLong("seq"), auditorA),
        node.adminGet("/admin/v1/audit/events/" + other.getString("event_id"), auditorA),
        node.adminGet("/admin/v1/audit/requests/" + other.getString("request_id"), auditorA));
    HttpResponse<String> ownEvent = node.adminGet("/admin/v1/audit/events/" + own.getString("event_id"), auditorA);
    HttpResponse<String> foreignSearch = node.adminGet("/admin/v1/audit?requestId=" + other.getString("request_id"),
        auditorA);

    assertEquals(404, missing.statusCode());
    for (HttpResponse<String> response : foreign) {
      assertEquals(404, response.statusCode());
      assertEquals(missing.body(), response.body());
      assertEquals(missing.headers().firstValue("Content-Type"), response.headers().firstValue("Content-Type"));
    }
    assertEquals(missingRequest.body(), foreign.get(2).body());
    assertEquals(200, ownEvent.statusCode(), "the reader does open its own workspace's events");
    assertEquals(own, new JsonObject(ownEvent.body()));
    assertEquals(0, new JsonObject(foreignSearch.body()).getJsonArray("events").size());
  }

  @Test
  void client_and_reason_filters_and_a_relative_start_select_the_matching_events() throws Exception {
    String admin = node.admin.bootstrapToken();

    List<JsonObject> noCredentials = decisions(node.searchAll("reason=no_credentials", admin));
    List<JsonObject> fromLoopback = decisions(node.searchAll("client=127.0.0.1&subject=reader-b", admin));
    AuditNode.Run since = node.cli(node.adminTokenFile, "audit", "search", "--since", "1h", "--reason",
        "no_credentials", "--client", "127.0.0.1");
    AuditNode.Run both = node.cli(node.adminTokenFile, "audit", "search", "--since", "1h", "--from",
        started.toString());
    AuditNode.Run future = node.cli(node.adminTokenFile, "audit", "search", "--since", "1ms", "--reason",
        "no_credentials");

    assertEquals(1, noCredentials.size());
    assertEquals(B_EVENTS, fromLoopback.size());
    assertEquals(0, decisions(node.searchAll("client=198.51.100.1", admin)).size());
    assertEquals(0, since.exit(), since.err());
    assertEquals(1, decisionLines(since.out()).size());
    assertEquals(2, both.exit());
    assertEquals(0, future.exit(), future.err());
    assertEquals(0, decisionLines(future.out()).size());
  }

  @Test
  void cli_follow_prints_events_stored_after_it_started_until_interrupted() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int[] exit = {-1};
    Thread tail = new Thread(() -> exit[0] = cli.execute("audit", "search", "--follow", "--interval", "200ms",
        "--subject", "reader-a", "--limit", "1", "--admin-url", node.adminUrl(),
        "--token-file", node.adminTokenFile.toString()));
    tail.start();
    try {
      awaitLines(out, 1);
      String fresh = id(node.send(node.request("/api/agents/followed").header("Authorization", "Bearer " + readerA)));
      awaitLines(out, 2);
      List<String> lines = out.toString().lines().toList();
      assertEquals(2, lines.size(), err.toString());
      assertEquals(fresh, new JsonObject(lines.get(1)).getString("request_id"));
      Thread.sleep(600);
      assertEquals(2, out.toString().lines().count(), "no event is printed twice");
    } finally {
      tail.interrupt();
      tail.join(10_000);
    }
    assertFalse(tail.isAlive());
    assertEquals(0, exit[0], err.toString());
  }

  private static void awaitLines(StringWriter out, int lines) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (out.toString().lines().count() < lines && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static String id(HttpResponse<String> response) {
    return response.headers().firstValue("X-Request-Id").orElseThrow();
  }
}
