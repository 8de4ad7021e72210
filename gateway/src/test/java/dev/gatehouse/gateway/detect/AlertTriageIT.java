package dev.gatehouse.gateway.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.Main;
import dev.gatehouse.gateway.admin.BootstrapToken;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Alert triage, suppressions and address blocks through the admin API and the CLI: workspace-bound
 * alert tokens see and change only their workspace's alerts, resolving needs a disposition, and a
 * blocked address is refused with a generic 403 recorded under its own reason key.
 */
class AlertTriageIT {

  @TempDir
  static Path dataDir;
  static GatewayFixture node;
  static String workspaceA;
  static String workspaceB;
  static String alertA;
  static String alertB;
  static final HttpClient http = HttpClient.newHttpClient();

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    node = GatewayFixture.start(dataDir, "server.trustedProxies=127.0.0.1/32", "limits.perAddress.burst=1000");
    workspaceA = node.admin.createWorkspace("triage-a");
    workspaceB = node.admin.createWorkspace("triage-b");
    alertA = stolenTokenAlert(workspaceA, "10.1");
    alertB = stolenTokenAlert(workspaceB, "10.2");
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  /** Replays a fresh token of the workspace from three networks and returns the D05 alert's id. */
  static String stolenTokenAlert(String workspace, String prefix) throws Exception {
    JsonObject minted = node.admin.mint(workspace, "user-" + prefix, List.of("agents:read"), "1h");
    for (int network = 1; network <= 3; network++) {
      get("/api/agents/a1", prefix + "." + network + ".9", minted.getString("token"));
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (Object alert : list(node.admin.bootstrapToken(), "?rule=D05").getJsonArray("alerts")) {
        if (("jti=" + minted.getString("jti")).equals(((JsonObject) alert).getString("entity"))) {
          return ((JsonObject) alert).getString("id");
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no D05 alert");
  }

  @Test
  void aWorkspaceAlertsReaderSeesOnlyItsWorkspaceAndCannotChangeAnything() throws Exception {
    String reader = node.admin.mint(workspaceA, "analyst-a", List.of("alerts:read"));
    // Filtered by rule: the analyst's own admin requests may raise D17 (admin plane at night or at weekends).
    JsonArray seen = list(reader, "?rule=D05").getJsonArray("alerts");
    assertEquals(1, seen.size());
    assertEquals(alertA, seen.getJsonObject(0).getString("id"));
    assertEquals(alertA, list(reader, "?rule=D05&workspace=" + workspaceB).getJsonArray("alerts").getJsonObject(0)
        .getString("id"),
        "asking for another workspace still answers with the token's own");
    assertEquals(200, admin(reader, "GET", "/admin/v1/alerts/" + alertA, null).statusCode());
    assertEquals(404, admin(reader, "GET", "/admin/v1/alerts/" + alertB, null).statusCode());
    assertEquals(401, admin(reader, "POST", "/admin/v1/alerts/" + alertA + "/ack", "{}").statusCode(),
        "a reader's token does not admit a change");
    assertEquals(401, admin(reader, "GET", "/admin/v1/suppressions", null).statusCode());
    assertEquals(401, admin(reader, "GET", "/admin/v1/audit", null).statusCode());
  }

  @Test
  void aWorkspaceAlertsWriterTriagesItsOwnAlertsOnlyAndResolvingNeedsADisposition() throws Exception {
    String writer = node.admin.mint(workspaceB, "analyst-b", List.of("alerts:write"));
    assertEquals(404, admin(writer, "POST", "/admin/v1/alerts/" + alertA + "/ack", "{}").statusCode());
    HttpResponse<String> noDisposition = admin(writer, "POST", "/admin/v1/alerts/" + alertB + "/resolve",
        "{\"note\":\"done\"}");
    assertEquals(400, noDisposition.statusCode());
    assertEquals("{\"error\":\"disposition_required\"}", noDisposition.body());
    assertEquals(400, admin(writer, "POST", "/admin/v1/alerts/" + alertB + "/resolve",
        "{\"disposition\":\"maybe\"}").statusCode());
    HttpResponse<String> acked = admin(writer, "POST", "/admin/v1/alerts/" + alertB + "/ack", "{\"note\":\"mine\"}");
    assertEquals(200, acked.statusCode());
    assertEquals(409, admin(writer, "POST", "/admin/v1/alerts/" + alertB + "/ack", "{}").statusCode());
    assertEquals(404, admin(writer, "POST", "/admin/v1/alerts/" + alertA + "/assign", "{\"assignee\":\"x\"}")
        .statusCode(), "another workspace's alert is not found");
    assertEquals(400, admin(writer, "POST", "/admin/v1/alerts/" + alertB + "/assign", "{\"assignee\":\" \"}")
        .statusCode());
    JsonObject assigned = new JsonObject(admin(writer, "POST", "/admin/v1/alerts/" + alertB + "/assign",
        "{\"assignee\":\"analyst-b2\"}").body());
    assertEquals("analyst-b2", assigned.getString("assignee"));
    assertEquals("acknowledged", assigned.getString("status"));
    JsonObject resolved = new JsonObject(admin(writer, "POST", "/admin/v1/alerts/" + alertB + "/resolve",
        "{\"disposition\":\"true_positive\",\"note\":\"token was stolen\"}").body());
    assertEquals("resolved", resolved.getString("status"));
    assertEquals("true_positive", resolved.getString("disposition"));
    JsonObject last = resolved.getJsonArray("history").getJsonObject(resolved.getJsonArray("history").size() - 1);
    assertEquals("analyst-b", last.getString("actor"), "who changed it is recorded");
    assertEquals("acknowledged", last.getString("fromStatus"));
    assertEquals("analyst-b2", resolved.getString("assignee"));
    assertEquals(409, admin(writer, "POST", "/admin/v1/alerts/" + alertB + "/assign", "{\"assignee\":\"late\"}")
        .statusCode(), "a resolved alert is not assigned");
  }

  @Test
  @Tag("T-AUD-011")
  void aWorkspaceAlertsWriterCannotSilenceAnAlertAboutItselfButAnotherAnalystCan() throws Exception {
    String workspace = node.admin.createWorkspace("triage-self");
    String suspect = node.admin.mint(workspace, "analyst-self", List.of("alerts:write"));
    String colleague = node.admin.mint(workspace, "analyst-other", List.of("alerts:write"));
    // Ten refusals after authentication (the token lacks agents:read): D02 on the suspect's subject.
    for (int i = 0; i < 10; i++) {
      assertEquals(403, get("/api/agents/a1", "10.9.0." + i, suspect).statusCode());
    }
    String alert = null;
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (alert == null && System.nanoTime() < deadline) {
      for (Object a : list(node.admin.bootstrapToken(), "?rule=D02&workspace=" + workspace).getJsonArray("alerts")) {
        if ("subject=analyst-self".equals(((JsonObject) a).getString("entity"))) {
          alert = ((JsonObject) a).getString("id");
        }
      }
      Thread.sleep(50);
    }
    assertTrue(alert != null, "a D02 alert about the suspect");

    HttpResponse<String> ownAck = admin(suspect, "POST", "/admin/v1/alerts/" + alert + "/ack", "{}");
    HttpResponse<String> ownResolve = admin(suspect, "POST", "/admin/v1/alerts/" + alert + "/resolve",
        "{\"disposition\":\"benign\"}");
    HttpResponse<String> seen = admin(suspect, "GET", "/admin/v1/alerts/" + alert, null);
    HttpResponse<String> colleagueAck = admin(colleague, "POST", "/admin/v1/alerts/" + alert + "/ack", "{}");

    assertEquals(403, ownAck.statusCode());
    assertEquals("{\"error\":\"own_activity\"}", ownAck.body());
    assertEquals(403, ownResolve.statusCode());
    assertEquals(200, seen.statusCode(), "it may still read the alert");
    assertEquals("open", new JsonObject(seen.body()).getString("status"), "nothing changed");
    assertEquals(200, colleagueAck.statusCode(), colleagueAck.body());
  }

  @Test
  @Tag("T-AUD-010")
  void aBlockedAddressIsRefusedWithAGeneric403UnderItsOwnReasonUntilTheBlockIsLifted() throws Exception {
    String address = "198.51.100.66";
    assertEquals(200, get("/hello", address, null).statusCode());
    Run added = cli("block", "add", address, "--for", "1h", "--reason", "stuffing wave");
    assertEquals(0, added.exit(), added.err());
    assertTrue(added.out().startsWith("blocked " + address + " until "), added.out());

    HttpResponse<String> refused = get("/hello", address, null);
    assertEquals(403, refused.statusCode());
    assertEquals("{\"error\":\"forbidden\"}", refused.body());
    assertEquals(200, get("/hello", "198.51.100.67", null).statusCode(), "other addresses pass");
    Run listed = cli("block", "list", "--json");
    assertEquals(address, new JsonObject(listed.out()).getJsonArray("blocks").getJsonObject(0).getString("address"));
    assertTrue(cli("block", "list").out().contains("stuffing wave"));

    Run removed = cli("block", "remove", address);
    assertEquals(0, removed.exit(), removed.err());
    assertEquals(200, get("/hello", address, null).statusCode());
    assertEquals(1, count("SELECT count(*) FROM audit_events WHERE reason_key = 'address_blocked' "
        + "AND client_address = '" + address + "' AND status = 403"), "the refusal is audited under its reason key");
    assertEquals(1, cli("block", "remove", address).exit(), "nothing left to lift");
  }

  @Test
  void theAlertsCommandsListShowAcknowledgeResolveAndSuppress() throws Exception {
    Run table = cli("alerts", "list", "--rule", "D05");
    assertEquals(0, table.exit(), table.err());
    assertTrue(table.out().startsWith("ID"), table.out());
    assertTrue(table.out().contains(alertA));
    Run json = cli("alerts", "list", "--rule", "D05", "--workspace", workspaceA, "--json");
    assertEquals(alertA, new JsonObject(json.out()).getJsonArray("alerts").getJsonObject(0).getString("id"));

    Run shown = cli("alerts", "show", alertA);
    assertTrue(shown.out().contains("revoke_token") && shown.out().contains("evidence"), shown.out());
    Run assigned = cli("alerts", "assign", alertA, "--to", "ann");
    assertEquals(0, assigned.exit(), assigned.err());
    assertTrue(assigned.out().contains("assignee   ann"), assigned.out());
    assertEquals(0, cli("alerts", "ack", alertA, "--note", "on it").exit());
    Run resolved = cli("alerts", "resolve", alertA, "--disposition", "false-positive", "--json");
    assertEquals(0, resolved.exit(), resolved.err());
    assertEquals("false_positive", new JsonObject(resolved.out()).getString("disposition"));
    Run missing = cli("alerts", "resolve", alertA);
    assertTrue(missing.exit() != 0 && missing.err().contains("--disposition"), "--disposition is required");

    Run suppressed = cli("alerts", "suppress", "--rule", "D01", "--entity", "client_address=192.0.2.1",
        "--for", "24h", "--reason", "pen test");
    assertEquals(0, suppressed.exit(), suppressed.err());
    JsonArray all = new JsonObject(admin(node.admin.bootstrapToken(), "GET", "/admin/v1/suppressions", null).body())
        .getJsonArray("suppressions");
    assertEquals("pen test", all.getJsonObject(0).getString("reason"));
    assertTrue(all.getJsonObject(0).getBoolean("active"));
  }

  @Test
  void theAlertsListTableSaysWhenMoreExistAndFiltersBySeverityAndTime() throws Exception {
    Run first = cli("alerts", "list", "--rule", "D05", "--limit", "1");
    assertEquals(0, first.exit(), first.err());
    int hint = first.out().indexOf("--cursor ");
    assertTrue(hint > 0, "the table says more alerts match: " + first.out());
    String cursor = first.out().substring(hint + "--cursor ".length()).strip();
    Run second = cli("alerts", "list", "--rule", "D05", "--limit", "1", "--cursor", cursor);
    assertEquals(0, second.exit(), second.err());
    assertFalse(second.out().contains("--cursor "), "two D05 alerts, so the second page is the last");
    assertTrue(first.out().contains(alertA) != second.out().contains(alertA), "each alert on one page only");
    assertTrue(first.out().contains(alertB) != second.out().contains(alertB));

    String severity = new JsonObject(cli("alerts", "show", alertA, "--json").out()).getString("severity");
    String other = "low".equals(severity) ? "critical" : "low";
    assertTrue(cli("alerts", "list", "--severity", severity).out().contains(alertA));
    assertFalse(cli("alerts", "list", "--severity", other).out().contains(alertA));
    assertTrue(cli("alerts", "list", "--since", "1h").out().contains(alertA));
    assertFalse(cli("alerts", "list", "--to", "2020-01-01T00:00:00Z").out().contains(alertA));
    assertFalse(cli("alerts", "list", "--from", Instant.now().plusSeconds(60).toString()).out().contains(alertA));
    assertEquals(2, cli("alerts", "list", "--since", "1h", "--from", "2020-01-01T00:00:00Z").exit());
  }

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--admin-url", node.admin.url(),
        "--token-file", dataDir.resolve(BootstrapToken.FILE_NAME).toString()));
    return new Run(cli.execute(all.toArray(new String[0])), out.toString().strip(), err.toString());
  }

  static JsonObject list(String token, String query) throws Exception {
    HttpResponse<String> response = admin(token, "GET", "/admin/v1/alerts" + (query == null ? "" : query), null);
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }

  static HttpResponse<String> admin(String token, String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(node.admin.url() + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path, String address, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.gateway.port() + path))
        .header("X-Forwarded-For", address);
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static long count(String sql) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    long found;
    do {
      try (Connection conn = DriverManager.getConnection(node.database.jdbcUrl());
          PreparedStatement query = conn.prepareStatement(sql); ResultSet row = query.executeQuery()) {
        row.next();
        found = row.getLong(1);
      }
      if (found > 0) {
        return found;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    return found;
  }
}
