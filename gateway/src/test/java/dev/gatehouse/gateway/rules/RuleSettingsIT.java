package dev.gatehouse.gateway.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.Main;
import dev.gatehouse.gateway.authn.TestHttp;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
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
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Rule settings made through node A's admin API (and CLI) reach node B's running detector without
 * a restart: two real gateways on one PostgreSQL, failed-authentication bursts (D01) sent to B
 * through a trusted loopback proxy's {@code X-Forwarded-For}.
 */
class RuleSettingsIT {

  static final Duration APPLIED_WITHIN = Duration.ofSeconds(5);
  static final Duration ALERT_WITHIN = Duration.ofSeconds(10);
  /** The detector holds events this long for reordering before it evaluates them. */
  static final Duration LATENESS = Duration.ofMillis(300);

  @TempDir
  static Path temp;
  static TestDatabase database;
  static TestUpstream upstream;
  static Gateway a;
  static Gateway b;
  static AdminClient adminA;
  static AdminClient adminB;
  static Path tokenFile;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    Path keyring = temp.resolve("shared-keyring.json");
    a = node(Files.createDirectory(temp.resolve("a")), keyring, "rules-a");
    b = node(Files.createDirectory(temp.resolve("b")), keyring, "rules-b");
    adminA = new AdminClient(a);
    adminB = new AdminClient(b, adminA.bootstrapToken());
    tokenFile = temp.resolve("admin-token");
    Files.writeString(tokenFile, adminA.bootstrapToken());
  }

  static Gateway node(Path dataDir, Path keyring, String nodeId) throws Exception {
    return TestGateways.start(dataDir,
        "upstream.url=" + upstream.url(),
        "database.url=" + database.url(),
        "secrets.keyring=" + keyring,
        "server.nodeId=" + nodeId,
        "detector.allowedLateness=" + LATENESS.toMillis() + "ms",
        "limits.failedAuthentication.burst=1000",
        "limits.perAddress.burst=1000",
        TestHttp.TRUST_LOOPBACK_PROXY);
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(a);
    TestGateways.stopQuietly(b);
    upstream.close();
    database.close();
  }

  @Test
  void disablingARuleOnOneNodeStopsItsAlertsOnTheOtherAndEnablingBringsThemBack() throws Exception {
    String silenced = "198.51.100.31";
    String heard = "198.51.100.32";

    Run disabled = cli("rules", "disable", "D01");
    assertEquals(0, disabled.exit(), disabled.err());
    assertTrue(disabled.out().contains("D01 disabled"), disabled.out());
    awaitRuleOnB(rule -> !rule.getBoolean("enabled"));
    burst(b, silenced, 25);
    awaitEvaluatedOnB(silenced, 25);

    assertEquals(200, adminA.send("/admin/v1/rules/D01/enable", null).statusCode());
    awaitRuleOnB(rule -> rule.getBoolean("enabled"));
    burst(b, heard, 25);

    awaitAlert("D01", "client_address=" + heard);
    // B's detector evaluates its events in order: the later burst's alert exists, so the earlier
    // burst has been evaluated, with D01 switched off.
    assertFalse(alertExists("D01", "client_address=" + silenced), "no D01 alert while it was disabled");
  }

  @Test
  void anOverriddenThresholdChangesWhenD01Fires() throws Exception {
    String early = "198.51.100.41";
    String belowOwn = "198.51.100.42";
    String control = "198.51.100.43";

    Run overridden = cli("rules", "override", "D01", "--threshold", "5");
    assertEquals(0, overridden.exit(), overridden.err());
    awaitRuleOnB(rule -> Long.valueOf(5).equals(rule.getLong("effectiveThreshold")));
    burst(b, early, 5);
    awaitAlert("D01", "client_address=" + early);

    Run cleared = cli("rules", "override", "D01", "--clear");
    assertEquals(0, cleared.exit(), cleared.err());
    awaitRuleOnB(rule -> rule.getJsonObject("override") == null);
    assertEquals(20, ruleOnB().getLong("effectiveThreshold"), "the shipped threshold again");
    burst(b, belowOwn, 5);
    burst(b, control, 20);
    awaitAlert("D01", "client_address=" + control);
    assertFalse(alertExists("D01", "client_address=" + belowOwn), "five failures are below D01's own threshold");
  }

  @Test
  void theCatalogueListsThresholdsWindowsAndSettingsAndRefusesWhatCannotApply() throws Exception {
    JsonObject listed = new JsonObject(adminA.get("/admin/v1/rules").body());
    JsonObject d01 = listed.getJsonArray("rules").stream().map(JsonObject.class::cast)
        .filter(rule -> "D01".equals(rule.getString("id"))).findFirst().orElseThrow();
    JsonObject withoutThreshold = listed.getJsonArray("rules").stream().map(JsonObject.class::cast)
        .filter(rule -> rule.getValue("threshold") == null).findFirst().orElseThrow();
    Run table = cli("rules", "list");

    assertEquals("count", d01.getString("kind"));
    assertEquals("PT5M", d01.getString("window"));
    assertEquals("medium", d01.getString("severity"));
    assertEquals(0, table.exit(), table.err());
    assertTrue(table.out().startsWith("ID"), table.out());
    assertTrue(table.out().contains("Failed-authentication burst from one address"), table.out());
    assertEquals(404, adminA.send("/admin/v1/rules/NOPE/disable", null).statusCode());
    assertEquals(400, adminA.put("/admin/v1/rules/D01/threshold", new JsonObject().put("threshold", 0)).statusCode());
    assertEquals(400, adminA.put("/admin/v1/rules/D01/threshold", new JsonObject().put("threshold", "5")).statusCode());
    assertEquals(400, adminA.put("/admin/v1/rules/D01/threshold",
        new JsonObject().put("threshold", 5).put("window", "1m")).statusCode());
    HttpResponse<String> noThreshold = adminA.put("/admin/v1/rules/" + withoutThreshold.getString("id") + "/threshold",
        new JsonObject().put("threshold", 5));
    assertEquals(409, noThreshold.statusCode());
    assertEquals("no_threshold", new JsonObject(noThreshold.body()).getString("error"));
  }

  @Test
  void aRuleChangeIsAuditedWithItsActor() throws Exception {
    HttpResponse<String> changed = adminA.send("/admin/v1/rules/D02/enable", null);
    String requestId = changed.headers().firstValue("X-Request-Id").orElseThrow();

    assertEquals(200, changed.statusCode());
    JsonObject event = awaitAdminEvent(requestId);
    assertEquals("admin", event.getString("kind"));
    assertEquals("POST", event.getString("method"));
    assertEquals("allow", event.getString("decision"));
  }

  /**
   * Waits until B's detector has read all {@code count} events from {@code address} and held them
   * past the allowed lateness (it evaluates an event once the clock is that far beyond its time):
   * the writer hands events over once they are durable, so without this a burst could still be on
   * its way when the next setting arrives.
   */
  static void awaitEvaluatedOnB(String address, int count) throws Exception {
    long deadline = System.nanoTime() + ALERT_WITHIN.toNanos();
    long newest = 0;
    while (System.nanoTime() < deadline) {
      JsonObject page = new JsonObject(adminA.get("/admin/v1/audit?limit=" + count + "&client=" + address).body());
      if (page.getJsonArray("events").size() == count) {
        JsonObject last = page.getJsonArray("events").getJsonObject(0);
        newest = last.getLong("seq");
        if (b.detector().orElseThrow().position("rules-b") >= newest) {
          java.time.Instant evaluated = java.time.Instant.parse(last.getString("ts")).plus(LATENESS)
              .plusMillis(3 * dev.gatehouse.auditdetector.live.LiveDetector.HEARTBEAT_MS);
          while (java.time.Instant.now().isBefore(evaluated)) {
            Thread.sleep(20);
          }
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("node B's detector did not read event " + newest);
  }

  static JsonObject ruleOnB() throws Exception {
    return new JsonObject(adminB.get("/admin/v1/rules").body()).getJsonArray("rules").stream()
        .map(JsonObject.class::cast).filter(rule -> "D01".equals(rule.getString("id"))).findFirst().orElseThrow();
  }

  static void awaitRuleOnB(Predicate<JsonObject> applied) throws Exception {
    long deadline = System.nanoTime() + APPLIED_WITHIN.toNanos();
    while (!applied.test(ruleOnB())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("node B did not apply the change: " + ruleOnB());
      }
      Thread.sleep(20);
    }
  }

  /** {@code count} refused credentials from {@code address}. */
  static void burst(Gateway node, String address, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
              URI.create(TestGateways.mainUrl(node) + "/api/agents/a1"))
          .header("X-Forwarded-For", address).header("Authorization", "Bearer not-a-token-" + i).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(401, response.statusCode());
    }
  }

  static boolean alertExists(String rule, String entity) throws Exception {
    JsonObject page = new JsonObject(adminA.get("/admin/v1/alerts?limit=500&rule=" + rule).body());
    return page.getJsonArray("alerts").stream().map(JsonObject.class::cast)
        .anyMatch(alert -> entity.equals(alert.getString("entity")));
  }

  static void awaitAlert(String rule, String entity) throws Exception {
    long deadline = System.nanoTime() + ALERT_WITHIN.toNanos();
    while (!alertExists(rule, entity)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + rule + " alert for " + entity);
      }
      Thread.sleep(50);
    }
  }

  static JsonObject awaitAdminEvent(String requestId) throws Exception {
    long deadline = System.nanoTime() + ALERT_WITHIN.toNanos();
    while (true) {
      HttpResponse<String> found = adminA.get("/admin/v1/audit/requests/" + requestId);
      if (found.statusCode() == 200) {
        return new JsonObject(found.body()).getJsonArray("events").getJsonObject(0);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the rule change was not audited");
      }
      Thread.sleep(50);
    }
  }

  record Run(int exit, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--admin-url", "http://127.0.0.1:" + a.adminPort(), "--token-file",
            tokenFile.toString())).toArray(String[]::new);
    int exit = cli.execute(all);
    return new Run(exit, out.toString(), err.toString());
  }
}
