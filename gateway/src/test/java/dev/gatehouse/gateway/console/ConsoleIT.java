package dev.gatehouse.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.live.LiveDetector;
import dev.gatehouse.gateway.authn.TestHttp;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.session.SessionCookie;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.Chromium;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The security console in real headless Chromium, against two real gateways (A and B) sharing one
 * embedded PostgreSQL: failed authentications are driven through the main listener (client
 * addresses through a trusted loopback proxy's {@code X-Forwarded-For}) so that the shipped rules
 * fire on the node's own detector, and analysts work in A's console on the admin listener.
 * Screenshots are kept under {@code target/console-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  /** How long a page may take to show what the test waits for (the machine may be busy). */
  static final Duration UI_WAIT = Duration.ofSeconds(30);
  /** How soon after the burst the analyst must find its alert in the queue. */
  static final Duration FOUND_WITHIN = Duration.ofSeconds(15);
  static final Duration APPLIED_WITHIN = Duration.ofSeconds(10);
  static final Duration ALERT_WITHIN = Duration.ofSeconds(20);
  /** Scoring the rules on the seeded traffic takes about ten seconds of one core; more on a busy machine. */
  static final Duration SCORED_WITHIN = Duration.ofSeconds(180);
  static final Duration LATENESS = Duration.ofMillis(300);

  @TempDir
  static Path temp;
  static TestDatabase database;
  static TestUpstream upstream;
  static Gateway a;
  static Gateway b;
  static AdminClient adminA;
  static AdminClient adminB;
  static String console;
  static String ops;
  static JsonObject adminToken;
  static WebDriver analyst;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    Path keyring = temp.resolve("shared-keyring.json");
    a = node(Files.createDirectory(temp.resolve("a")), keyring, "console-a");
    b = node(Files.createDirectory(temp.resolve("b")), keyring, "console-b");
    adminA = new AdminClient(a);
    adminB = new AdminClient(b, adminA.bootstrapToken());
    console = adminA.url() + "/console";
    ops = adminA.createWorkspace("console-ops");
    adminToken = adminA.mint(ops, "analyst.ann", List.of("gatehouse:admin"), "1h");
    analyst = Chromium.start();
    signIn(analyst, adminToken.getString("token"));
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
    if (analyst != null) {
      analyst.quit();
    }
    TestGateways.stopQuietly(a);
    TestGateways.stopQuietly(b);
    if (upstream != null) {
      upstream.close();
    }
    if (database != null) {
      database.close();
    }
  }

  // ------------------------------------------------------------------ tests

  @Test
  @Order(1)
  void an_analyst_finds_the_stuffing_alert_opens_its_evidence_pivots_to_the_address_and_resolves_it() throws Exception {
    String address = "198.51.100.77";
    burst(a, address, 25);
    long driven = System.nanoTime();

    WebElement row = awaitInQueue(analyst, "/alerts?rule=D01", "client_address=" + address);
    Duration found = Duration.ofNanos(System.nanoTime() - driven);
    assertTrue(found.compareTo(FOUND_WITHIN) < 0, "found in the queue after " + found);
    Chromium.screenshot(analyst, SCREENSHOTS, "1-alert-queue");
    row.findElement(By.cssSelector("a.open-alert")).click();

    waiting(analyst).until(ExpectedConditions.presenceOfElementLocated(By.id("alert-title")));
    assertTrue(analyst.findElement(By.id("alert-rule")).getText().startsWith("D01"));
    assertTrue(analyst.findElement(By.id("alert-runbook")).getText().contains("credential-stuffing.md#d01"));
    String id = analyst.getCurrentUrl().substring(analyst.getCurrentUrl().lastIndexOf('/') + 1);
    int named = new JsonObject(adminA.get("/admin/v1/alerts/" + id).body()).getJsonArray("evidence").size();
    List<WebElement> evidence = analyst.findElements(By.cssSelector("#evidence details.event"));
    assertTrue(named >= 10, "the alert names its evidence: " + named);
    assertEquals(named, evidence.size(), "every evidence row the alert names is on the page");
    WebElement first = evidence.get(0);
    assertFalse(first.findElement(By.cssSelector("table.fields")).isDisplayed(), "closed until opened");
    first.findElement(By.tagName("summary")).click();
    WebElement fields = first.findElement(By.cssSelector("table.fields"));
    waiting(analyst).until(ExpectedConditions.visibilityOf(fields));
    assertTrue(fields.getText().contains("client_address " + address), fields.getText());
    assertTrue(fields.getText().contains("decision deny"), fields.getText());
    Chromium.screenshot(analyst, SCREENSHOTS, "2-alert-evidence-opened");

    analyst.findElement(By.id("pivot-entity")).click();
    waiting(analyst).until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline-title"), address));
    List<WebElement> denials = analyst.findElements(By.cssSelector("#timeline details.event.deny"));
    assertEquals(25, denials.size(), "every refused attempt of the address, marked as a denial");
    Chromium.screenshot(analyst, SCREENSHOTS, "3-address-timeline");

    analyst.navigate().back();
    waiting(analyst).until(ExpectedConditions.presenceOfElementLocated(By.id("assign")));
    analyst.findElement(By.id("assignee")).clear();
    analyst.findElement(By.id("assignee")).sendKeys("analyst.bo");
    analyst.findElement(By.id("assign")).click();
    waiting(analyst).until(ExpectedConditions.textToBe(By.id("alert-assignee"), "analyst.bo"));
    analyst.findElement(By.id("acknowledge")).click();
    waiting(analyst).until(ExpectedConditions.textToBe(By.id("alert-status"), "acknowledged"));
    new Select(analyst.findElement(By.id("disposition"))).selectByValue("true_positive");
    analyst.findElement(By.id("resolve-note")).sendKeys("guessing from one address");
    analyst.findElement(By.id("resolve")).click();
    waiting(analyst).until(ExpectedConditions.textToBe(By.id("alert-status"), "resolved"));
    assertEquals("true_positive", analyst.findElement(By.id("alert-disposition")).getText());
    List<WebElement> history = analyst.findElements(By.cssSelector("#history tr.change"));
    assertTrue(history.get(0).getText().contains("detector") && history.get(0).getText().contains("opened"),
        history.get(0).getText());
    assertTrue(history.stream().anyMatch(h -> h.getText().contains("assigned") && h.getText().contains("analyst.bo")),
        "the assignment is in the history");
    String last = history.get(history.size() - 1).getText();
    assertTrue(last.contains("analyst.ann") && last.contains("resolved") && last.contains("true_positive")
        && last.contains("guessing from one address"), last);
    Chromium.screenshot(analyst, SCREENSHOTS, "4-alert-resolved-with-history");

    analyst.findElement(By.id("runbook-link")).click();
    WebElement section = waiting(analyst).until(ExpectedConditions.presenceOfElementLocated(
        By.id("d01-failed-authentication-burst")));
    assertTrue(section.getText().startsWith("D01"), section.getText());
    assertTrue(analyst.getCurrentUrl().endsWith("/console/runbooks/credential-stuffing.md#d01-failed-authentication-burst"));
    Chromium.screenshot(analyst, SCREENSHOTS, "5-runbook-section");

    JsonObject stored = new JsonObject(adminA.get("/admin/v1/alerts/" + id).body());
    assertEquals("resolved", stored.getString("status"));
    assertEquals("true_positive", stored.getString("disposition"));
    assertEquals("analyst.bo", stored.getString("assignee"));
  }

  @Test
  @Order(2)
  @Tag("T-AUD-013")
  void a_workspace_bound_analyst_sees_only_their_workspaces_alerts_and_events_in_the_console_and_the_api()
      throws Exception {
    String own = adminA.createWorkspace("console-own");
    String other = adminA.createWorkspace("console-other");
    String ownAlert = deniedBurst(own, "user.own", "10.20.0.1");
    String otherAlert = deniedBurst(other, "user.other", "10.20.0.2");
    JsonObject otherEvent = new JsonObject(adminA.get("/admin/v1/audit?subject=user.other&limit=1").body())
        .getJsonArray("events").getJsonObject(0);
    String analystToken = adminA.mint(own, "analyst.own", List.of("audit:read", "alerts:read", "alerts:write"));
    WebDriver bound = Chromium.start();
    try {
      signIn(bound, analystToken);
      assertTrue(bound.findElement(By.id("who")).getText().contains("workspace " + own));

      bound.get(console + "/alerts?workspace=" + other);
      List<WebElement> rows = bound.findElements(By.cssSelector("#alert-queue tr.alert"));
      assertTrue(rows.stream().anyMatch(r -> "subject=user.own".equals(r.getAttribute("data-entity"))),
          "the own workspace's alert is listed");
      assertTrue(rows.stream().noneMatch(r -> "subject=user.other".equals(r.getAttribute("data-entity"))),
          "another workspace's alert is never listed, whatever the filter asks for");
      assertTrue(rows.stream().allMatch(r -> r.getText().contains(own)), "only own-workspace alerts");
      Chromium.screenshot(bound, SCREENSHOTS, "6-bound-analyst-queue");

      bound.get(console + "/alerts/" + otherAlert);
      assertEquals("Not found.", bound.findElement(By.id("error")).getText());
      bound.get(console + "/alerts/" + ownAlert);
      assertTrue(bound.findElement(By.id("alert-entity")).getText().contains("subject=user.own"));
      for (String page : List.of("/timeline?by=subject&value=user.other", "/timeline?by=workspace&value=" + other,
          "/timeline?by=client&value=10.20.0.2", "/audit?subject=user.other", "/audit?workspace=" + other
              + "&subject=user.other")) {
        bound.get(console + page);
        assertFalse(bound.findElements(By.id("no-events")).isEmpty(), page + " shows none of the other workspace");
      }
      bound.get(console + "/audit?subject=user.own");
      assertTrue(bound.findElements(By.cssSelector("#audit-events tbody tr.deny")).size() >= 10);
      Chromium.screenshot(bound, SCREENSHOTS, "7-bound-analyst-audit");
      bound.get(console + "/integrity");
      assertEquals("You may not do that.", bound.findElement(By.id("error")).getText());
    } finally {
      bound.quit();
    }

    JsonArray listed = new JsonObject(api(analystToken, "/admin/v1/alerts?workspace=" + other).body())
        .getJsonArray("alerts");
    assertTrue(listed.stream().map(JsonObject.class::cast).allMatch(alert -> own.equals(alert.getString("workspace"))),
        listed.encode());
    assertEquals(404, api(analystToken, "/admin/v1/alerts/" + otherAlert).statusCode());
    assertEquals(0, new JsonObject(api(analystToken, "/admin/v1/audit?subject=user.other").body())
        .getJsonArray("events").size());
    assertEquals(404, api(analystToken, "/admin/v1/audit/events/" + otherEvent.getString("node_id") + ":"
        + otherEvent.getLong("seq")).statusCode());
    assertEquals(200, api(analystToken, "/admin/v1/alerts/" + ownAlert).statusCode());
  }

  @Test
  @Order(3)
  void disabling_a_rule_in_the_console_stops_its_alerts_on_a_second_node_and_enabling_brings_them_back()
      throws Exception {
    String silenced = "198.51.100.81";
    String heard = "198.51.100.82";
    analyst.get(console + "/rules");
    analyst.findElement(By.id("toggle-D01")).click();
    waiting(analyst).until(ExpectedConditions.textToBe(By.cssSelector("#rule-D01 td.state"), "disabled"));
    Chromium.screenshot(analyst, SCREENSHOTS, "8-rule-disabled");
    awaitRuleOnB(rule -> !rule.getBoolean("enabled"));
    burst(b, silenced, 25);
    awaitEvaluatedOnB(silenced, 25);

    analyst.findElement(By.id("toggle-D01")).click();
    waiting(analyst).until(ExpectedConditions.textToBe(By.cssSelector("#rule-D01 td.state"), "enabled"));
    awaitRuleOnB(rule -> rule.getBoolean("enabled"));
    burst(b, heard, 25);

    awaitAlert("D01", "client_address=" + heard);
    assertFalse(alertExists("D01", "client_address=" + silenced), "no D01 alert while it was disabled");
    JsonArray changes = new JsonObject(adminA.get("/admin/v1/audit?subject=analyst.ann&decision=allow&limit=200")
        .body()).getJsonArray("events");
    assertTrue(changes.stream().map(JsonObject.class::cast).filter(e -> "POST".equals(e.getString("method")))
        .count() >= 2, "both changes are audited with the admin's subject");
  }

  @Test
  @Order(6)
  void the_rules_page_shows_each_running_rules_evaluation_scores() throws Exception {
    long deadline = System.nanoTime() + SCORED_WITHIN.toNanos();
    String precision;
    do {
      Thread.sleep(2_000);
      analyst.get(console + "/rules");
      precision = analyst.findElement(By.cssSelector("#rule-D01 td.precision")).getText();
    } while (!precision.matches("[0-9.]+") && System.nanoTime() < deadline);
    assertEquals("1.000", precision, "D01 as shipped scores 1.000 on the seeded traffic");
    assertEquals("1.000", analyst.findElement(By.cssSelector("#rule-D01 td.recall")).getText());
    assertEquals("0.714", analyst.findElement(By.cssSelector("#rule-D19 td.precision")).getText(),
        "the figures are the evaluation's own, as gatehouse detect eval prints them");
    Chromium.screenshot(analyst, SCREENSHOTS, "11-rule-scores");
  }

  @Test
  @Order(4)
  @Tag("T-AUD-013")
  void console_pages_carry_a_strict_policy_and_a_form_post_needs_the_sessions_token_and_this_origin()
      throws Exception {
    HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(console + "/login")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(Views.CSP, login.headers().firstValue("Content-Security-Policy").orElseThrow());
    assertEquals("nosniff", login.headers().firstValue("X-Content-Type-Options").orElseThrow());
    assertFalse(login.body().contains("<script>") || login.body().contains("style="), "no inline script or style");
    HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(console + "/alerts")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(303, anonymous.statusCode());

    Cookie cookie = analyst.manage().getCookieNamed(SessionCookie.CONSOLE);
    assertNotNull(cookie);
    assertTrue(cookie.isHttpOnly() && cookie.isSecure(), "HttpOnly and Secure");
    assertEquals("Strict", cookie.getSameSite());
    analyst.get(console + "/rules");
    String csrf = analyst.findElement(By.cssSelector("#rule-D02 input[name=_csrf]")).getAttribute("value");
    String session = SessionCookie.CONSOLE + "=" + cookie.getValue();

    assertEquals(403, post("/rules/D02/disable", session, adminA.url(), "").statusCode(), "no form token");
    assertEquals(403, post("/rules/D02/disable", session, "http://evil.example", "_csrf=" + csrf).statusCode(),
        "another origin");
    assertEquals(403, post("/rules/D02/disable", session, adminA.url(), "_csrf=x" + csrf).statusCode(),
        "a wrong form token");
    // A change that goes through makes node A read every stored setting again before it answers.
    assertEquals(303, post("/rules/D03/disable", session, adminA.url(), "_csrf=" + csrf).statusCode());
    assertFalse(ruleOn(adminA, "D03").getBoolean("enabled"), "the post with both changes the rule");
    assertTrue(ruleOn(adminA, "D02").getBoolean("enabled"), "the refused posts changed nothing");
    assertEquals(303, post("/rules/D03/enable", session, adminA.url(), "_csrf=" + csrf).statusCode());
    assertTrue(ruleOn(adminA, "D03").getBoolean("enabled"));
  }

  @Test
  @Order(5)
  void the_audit_page_tails_new_events_live_exports_them_and_integrity_shows_each_nodes_verified_chain()
      throws Exception {
    String address = "198.51.100.90";
    analyst.get(console + "/audit?client=" + address + "&since=1h");
    assertFalse(analyst.findElements(By.id("no-events")).isEmpty(), "nothing from the address yet");
    analyst.findElement(By.id("tail-toggle")).click();
    burst(a, address, 3);
    waiting(analyst).until(driver -> driver.findElements(By.cssSelector("#audit-events tbody tr.deny")).size() == 3);
    assertTrue(analyst.findElement(By.id("tail-state")).getText().startsWith("live"));
    Chromium.screenshot(analyst, SCREENSHOTS, "9-audit-live-tail");

    Cookie cookie = analyst.manage().getCookieNamed(SessionCookie.CONSOLE);
    HttpResponse<String> export = http.send(HttpRequest.newBuilder(
            URI.create(console + "/audit/export?client=" + address))
        .header("Cookie", SessionCookie.CONSOLE + "=" + cookie.getValue()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, export.statusCode());
    List<String> lines = export.body().lines().toList();
    assertEquals(3, lines.size(), export.body());
    lines.forEach(line -> assertEquals(address, new JsonObject(line).getString("client_address")));

    analyst.get(console + "/integrity");
    String verdict = analyst.findElement(By.id("integrity-verdict")).getText();
    assertTrue(verdict.contains("intact"), verdict);
    String table = analyst.findElement(By.id("integrity")).getText();
    assertTrue(table.contains("console-a") && table.contains("console-b"), table);
    Chromium.screenshot(analyst, SCREENSHOTS, "10-integrity");
  }

  // ------------------------------------------------------------------ helpers

  static WebDriverWait waiting(WebDriver browser) {
    return new WebDriverWait(browser, UI_WAIT);
  }

  /** Signs in on A's console through the page an anonymous visit is sent to. */
  static void signIn(WebDriver browser, String token) {
    browser.get(console + "/alerts");
    waiting(browser).until(ExpectedConditions.urlContains("/console/login"));
    browser.findElement(By.id("token")).sendKeys(token);
    browser.findElement(By.id("sign-in")).click();
    waiting(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("alert-queue")));
  }

  /** Reloads the queue page until it lists an alert about {@code entity}; returns its row. */
  static WebElement awaitInQueue(WebDriver browser, String page, String entity) {
    By row = By.cssSelector("#alert-queue tr.alert[data-entity='" + entity + "']");
    return waiting(browser).pollingEvery(Duration.ofMillis(250)).until(driver -> {
      driver.get(console + page);
      List<WebElement> found = driver.findElements(row);
      return found.isEmpty() ? null : found.get(0);
    });
  }

  /** {@code count} refused credentials from {@code address} on {@code node}'s main listener. */
  static void burst(Gateway node, String address, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
              URI.create(TestGateways.mainUrl(node) + "/api/agents/a1"))
          .header("X-Forwarded-For", address).header("Authorization", "Bearer not-a-token-" + i).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(401, response.statusCode());
    }
  }

  /** Twelve refusals after authentication for a new subject of {@code workspace} (D02); its alert id. */
  static String deniedBurst(String workspace, String subject, String address) throws Exception {
    String token = adminA.mint(workspace, subject, List.of("messages:write"));
    for (int i = 0; i < 12; i++) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
              URI.create(TestGateways.mainUrl(a) + "/api/agents/a1"))
          .header("X-Forwarded-For", address).header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(403, response.statusCode());
    }
    return awaitAlert("D02", "subject=" + subject).getString("id");
  }

  static HttpResponse<String> api(String token, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(adminA.url() + path))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String page, String cookie, String origin, String form) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(console + page))
        .header("Cookie", cookie).header("Origin", origin)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject ruleOn(AdminClient admin, String id) throws Exception {
    return new JsonObject(admin.get("/admin/v1/rules").body()).getJsonArray("rules").stream()
        .map(JsonObject.class::cast).filter(rule -> id.equals(rule.getString("id"))).findFirst().orElseThrow();
  }

  static void awaitRuleOnB(Predicate<JsonObject> applied) throws Exception {
    long deadline = System.nanoTime() + APPLIED_WITHIN.toNanos();
    while (!applied.test(ruleOn(adminB, "D01"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("node B did not apply the change: " + ruleOn(adminB, "D01"));
      }
      Thread.sleep(20);
    }
  }

  /**
   * Waits until B's detector has read all {@code count} events from {@code address} and held them
   * past the allowed lateness, so the burst was evaluated under the setting in force.
   */
  static void awaitEvaluatedOnB(String address, int count) throws Exception {
    long deadline = System.nanoTime() + ALERT_WITHIN.toNanos();
    long newest = 0;
    while (System.nanoTime() < deadline) {
      JsonObject page = new JsonObject(adminA.get("/admin/v1/audit?limit=" + count + "&client=" + address).body());
      if (page.getJsonArray("events").size() == count) {
        JsonObject last = page.getJsonArray("events").getJsonObject(0);
        newest = last.getLong("seq");
        if (b.detector().orElseThrow().position("console-b") >= newest) {
          Instant evaluated = Instant.parse(last.getString("ts")).plus(LATENESS)
              .plusMillis(3 * LiveDetector.HEARTBEAT_MS);
          while (Instant.now().isBefore(evaluated)) {
            Thread.sleep(20);
          }
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("node B's detector did not read event " + newest);
  }

  static JsonObject findAlert(String rule, String entity) throws Exception {
    JsonObject page = new JsonObject(adminA.get("/admin/v1/alerts?limit=500&rule=" + rule).body());
    return page.getJsonArray("alerts").stream().map(JsonObject.class::cast)
        .filter(alert -> entity.equals(alert.getString("entity"))).findFirst().orElse(null);
  }

  static boolean alertExists(String rule, String entity) throws Exception {
    return findAlert(rule, entity) != null;
  }

  static JsonObject awaitAlert(String rule, String entity) throws Exception {
    long deadline = System.nanoTime() + ALERT_WITHIN.toNanos();
    while (true) {
      JsonObject alert = findAlert(rule, entity);
      if (alert != null) {
        return alert;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + rule + " alert for " + entity);
      }
      Thread.sleep(50);
    }
  }
}
