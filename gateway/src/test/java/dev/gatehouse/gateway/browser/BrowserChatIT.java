package dev.gatehouse.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.session.SessionCookie;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.ChatClient;
import dev.gatehouse.gateway.testsupport.Chromium;
import dev.gatehouse.gateway.testsupport.ElizaRuntimes;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import com.nimbusds.jose.JOSEObjectType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * People in real headless Chromium using the unmodified elizaOS 1.7.2 web client through the
 * gateway, in front of one real runtime per workspace whose agents answer (the stand-in model):
 * they sign in with a token or through a real OpenID provider (mock-oauth2-server), see only
 * their own agents, chat and see the agent's answer
 * rendered, at the same time, in two workspaces. A page on another origin of the same site can
 * neither post with their cookie nor open their socket; another person's chat URL shows nothing
 * of it; logout, revocation and a workspace lock close the open socket. Screenshots are kept in
 * {@code target/browser-screenshots}.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserChatIT {

  /** What a person chatting with agents needs: the member role. */
  static final List<String> MEMBER = List.of("agents:read", "agents:write", "messages:read", "messages:write",
      "memories:read", "media:read", "media:write");
  static final Duration UI_WAIT = Duration.ofSeconds(90);

  @TempDir
  static Path dir;
  static TestDatabase database;
  static Gateway gateway;
  static AdminClient admin;
  static String url;
  static Person alice;
  static Person bob;
  static Person carol;
  /** The people's OpenID provider (carol signs in through it). */
  static MockOAuth2Server provider;
  static final String CLIENT = "gatehouse-browser";

  /** One person: a workspace member with a token, an agent of theirs, and a browser. */
  static final class Person {
    final String name;
    final String workspace;
    final JsonObject token;
    final ChatClient api;
    final WebDriver browser;
    final String agentName;
    final String agent;
    final String said = "MARK-" + UUID.randomUUID().toString().substring(0, 8);

    Person(String name, String workspace) throws Exception {
      this.name = name;
      this.workspace = workspace;
      this.token = admin.mint(workspace, name, MEMBER, "1h");
      this.api = new ChatClient(url, gateway.port(), workspace, name, token.getString("token"));
      this.agentName = "Agent-of-" + name + "-" + UUID.randomUUID().toString().substring(0, 6);
      this.agent = api.call("POST", "/api/agents", new JsonObject()
          .put("characterJson", ElizaRuntimes.character(agentName)), 201).getJsonObject("data").getString("id");
      api.call("POST", "/api/agents/" + agent + "/start", null, 200);
      this.browser = Chromium.start();
    }

    WebDriverWait waiting() {
      return new WebDriverWait(browser, UI_WAIT);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    provider = new MockOAuth2Server();
    provider.start(InetAddress.getByName("127.0.0.1"), 0);
    String issuer = provider.issuerUrl("people").toString();
    List<String> settings = new ArrayList<>(ElizaRuntimes.dedicatedSettings());
    settings.add("sessions.oidc.issuer=" + issuer);
    settings.add("sessions.oidc.clientId=" + CLIENT);
    settings.add("sessions.oidc.clientSecret=browser-client-secret");
    settings.add("sessions.oidc.label=Sign in with People");
    settings.add("database.url=" + database.url());
    settings.add("policy.file=" + ElizaRuntimes.DEFAULT_POLICY);
    settings.add("socketio.recheckInterval=1s");
    for (String budget : List.of("perToken", "perAddress", "perWorkspace")) {
      settings.add("limits." + budget + ".burst=100000");
    }
    gateway = TestGateways.start(dir.resolve("gateway"), ElizaRuntimes.environment(), settings.toArray(new String[0]));
    url = TestGateways.mainUrl(gateway);
    admin = new AdminClient(gateway);
    String workspaceA = admin.createWorkspace("browser-a");
    String workspaceB = admin.createWorkspace("browser-b");
    admin.post("/admin/v1/issuers", new JsonObject().put("iss", issuer)
        .put("jwksUrl", provider.jwksUrl("people").toString()).put("audience", "urn:gatehouse:runtime")
        .put("workspaceClaim", "workspaces").put("scopeClaim", "roles")
        .put("allowedAlgs", new JsonArray().add("RS256")).put("allowedWorkspaces", new JsonArray().add(workspaceB))
        .put("allowedScopes", new JsonArray(MEMBER)));
    alice = new Person("alice", workspaceA);
    bob = new Person("bob", workspaceB);
    carol = new Person("carol", workspaceB);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Person person : new Person[] {alice, bob, carol}) {
      if (person != null) {
        person.browser.quit();
      }
    }
    TestGateways.stopQuietly(gateway);
    if (provider != null) {
      provider.shutdown();
    }
    if (database != null) {
      database.close();
    }
  }

  /** Signs in through the login page the anonymous visit is sent to; checks the cookie. */
  static void signIn(Person who) throws Exception {
    who.browser.get(url + "/");
    who.waiting().until(ExpectedConditions.urlToBe(url + "/login?next=%2F"));
    Chromium.screenshot(who.browser, who.name + "-1-sign-in");
    who.browser.findElement(By.id("token")).sendKeys(who.token.getString("token"));
    who.browser.findElement(By.id("sign-in")).click();
    who.waiting().until(ExpectedConditions.urlToBe(url + "/"));
    Cookie cookie = who.browser.manage().getCookieNamed(SessionCookie.NAME);
    assertNotNull(cookie, "signed in with the session cookie");
    assertTrue(cookie.isHttpOnly() && cookie.isSecure(), "HttpOnly and Secure");
    assertEquals("Lax", cookie.getSameSite());
    assertEquals("/", cookie.getPath());
  }

  /** Signs in through the OpenID provider, which vouches for the person in their workspace. */
  static void signInWithProvider(Person who) throws Exception {
    provider.enqueueCallback(new DefaultOAuth2TokenCallback("people", who.name, JOSEObjectType.JWT.getType(),
        List.of(CLIENT), Map.of("workspaces", List.of(who.workspace), "roles", String.join(" ", MEMBER)), 3600));
    who.browser.get(url + "/");
    who.waiting().until(ExpectedConditions.urlToBe(url + "/login?next=%2F"));
    who.browser.findElement(By.id("sign-in-provider")).click();
    who.waiting().until(ExpectedConditions.urlToBe(url + "/"));
    Cookie cookie = who.browser.manage().getCookieNamed(SessionCookie.NAME);
    assertNotNull(cookie, "signed in with the session cookie");
    assertTrue(cookie.isHttpOnly() && cookie.isSecure(), "HttpOnly and Secure");
    who.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), who.agentName));
    Chromium.screenshot(who.browser, who.name + "-2-agents-after-provider-sign-in");
  }

  /**
   * Creates an agent in the client's own form (its blank template: the allowed plugins), starts
   * it with the card's switch; its id.
   */
  static String createInBrowser(Person who) throws Exception {
    String name = "Made-by-" + who.name + "-" + UUID.randomUUID().toString().substring(0, 6);
    who.browser.get(url + "/create");
    who.waiting().until(ExpectedConditions.elementToBeClickable(By.id("name"))).sendKeys(name);
    who.browser.findElement(By.id("system")).sendKeys("You are " + name + ".");
    who.browser.findElement(By.cssSelector("button.agent-form-submit")).click();
    who.waiting().until(ExpectedConditions.urlToBe(url + "/"));
    try {
      // The client's welcome tour covers the page on a first visit.
      new WebDriverWait(who.browser, Duration.ofSeconds(5)).until(ExpectedConditions.elementToBeClickable(
          By.cssSelector("button[data-test-id='button-skip']"))).click();
    } catch (org.openqa.selenium.TimeoutException noTour) {
      // Nothing to skip.
    }
    // The switch of the card that carries the name: the nearest element around it with one switch.
    WebElement toggle = who.waiting().until(browser -> (WebElement) ((JavascriptExecutor) browser).executeScript(
        "for (const el of document.querySelectorAll('body *')) {"
            + "  if (el.childElementCount !== 0 || el.textContent.trim() !== arguments[0]) continue;"
            + "  let node = el.parentElement;"
            + "  while (node && node.querySelectorAll('button[role=switch]').length === 0) node = node.parentElement;"
            + "  if (node && node.querySelectorAll('button[role=switch]').length === 1)"
            + "    return node.querySelector('button[role=switch]');"
            + "} return null;", name));
    toggle.click();
    try {
      who.waiting().until(ExpectedConditions.attributeToBe(toggle, "aria-checked", "true"));
    } finally {
      System.out.println(who.name + "'s changes: " + changes(who.name));
    }
    Chromium.screenshot(who.browser, who.name + "-3-created-and-started");
    String href = who.waiting().until(ExpectedConditions.presenceOfElementLocated(
        By.xpath("//a[contains(@href, '/chat/') and contains(., '" + name + "')]"))).getAttribute("href");
    return href.substring(href.lastIndexOf('/') + 1);
  }

  /**
   * Opens the chat page and waits until its socket has joined the channel. The 1.7.2 client skips
   * the join when its socket is not connected yet and does not retry it (its messages then get no
   * broadcast back): the page is loaded again then, as a person would.
   */
  static WebElement openChat(Person who, String agent) throws Exception {
    for (int attempt = 1; ; attempt++) {
      int before = socketEvents(who.name).size();
      who.browser.get(url + "/chat/" + agent);
      WebElement input = who.waiting().until(ExpectedConditions.elementToBeClickable(
          By.cssSelector("[data-testid='chat-input']")));
      who.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Connected"));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline) {
        List<String> events = socketEvents(who.name);
        if (events.subList(Math.min(before, events.size()), events.size()).stream()
            .anyMatch(e -> e.startsWith("allow allowed socketio.join"))) {
          return input;
        }
        Thread.sleep(200);
      }
      if (attempt == 3) {
        throw new AssertionError(who.name + "'s chat never joined its channel: " + socketEvents(who.name));
      }
      System.out.println(who.name + "'s chat page did not join its channel; loading it again");
    }
  }

  /**
   * Signs in, sees only their own agents, creates one in the browser, opens its chat, says
   * something, and waits for the answer rendered.
   */
  static void chat(Person who, Person other) throws Exception {
    signIn(who);
    who.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), who.agentName));
    assertFalse(who.browser.getPageSource().contains(other.agentName), "nobody else's agents are listed");
    Chromium.screenshot(who.browser, who.name + "-2-agents");
    String made = createInBrowser(who);
    WebElement input = openChat(who, made);
    input.sendKeys("hello " + who.said);
    input.sendKeys(Keys.ENTER);
    try {
      who.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "echo: " + who.said));
    } finally {
      Chromium.screenshot(who.browser, who.name + "-4-chat");
      System.out.println(who.name + "'s socket events: " + socketEvents(who.name));
    }
  }

  @Test
  @Order(1)
  @Tag("T-AUTH-018")
  @Tag("T-ISO-003")
  void two_people_in_two_workspaces_sign_in_create_an_agent_and_chat_at_the_same_time() throws Exception {
    CompletableFuture<Void> a = CompletableFuture.runAsync(() -> run(() -> chat(alice, bob)));
    CompletableFuture<Void> b = CompletableFuture.runAsync(() -> run(() -> chat(bob, alice)));
    a.get(10, TimeUnit.MINUTES);
    b.get(10, TimeUnit.MINUTES);
  }

  @Test
  @Order(2)
  @Tag("T-ISO-002")
  void another_persons_chat_url_shows_nothing_of_theirs() throws Exception {
    bob.browser.get(url + "/chat/" + alice.agent);
    Thread.sleep(5_000);
    Chromium.screenshot(bob.browser, "bob-5-alices-chat-url");
    String page = bob.browser.getPageSource();
    assertFalse(page.contains(alice.agentName), "not her agent's name");
    assertFalse(page.contains(alice.said), "not her conversation");
  }

  @Test
  @Order(3)
  void what_the_policy_denies_leaves_the_app_usable() throws Exception {
    for (String screen : List.of("logs", "settings")) {
      bob.browser.get(url + "/" + screen);
      bob.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), bob.agentName));
      Chromium.screenshot(bob.browser, "bob-6-" + screen);
    }
    assertTrue(awaitEvents("bob", "route_denied", "server-logs") >= 1, "the logs were asked for, refused, audited");
    assertTrue(awaitEvents("bob", "route_denied", "system-env") >= 1, "the env editor too");
  }

  @Test
  @Order(4)
  @Tag("T-AUTH-019")
  void a_page_on_another_origin_can_neither_post_with_the_cookie_nor_open_the_socket() throws Exception {
    HttpServer hostile = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String target = url.replace("http://", "");
    byte[] page = ("<!doctype html><html><body><form id=f method=post action=\"" + url + "/api/agents\""
        + " enctype=\"text/plain\"><input name='{\"name\":\"x' value='\"}'></form><script>"
        + "const ws = new WebSocket('ws://" + target + "/socket.io/?EIO=4&transport=websocket');"
        + "ws.onopen = () => document.title = 'socket-open'; ws.onerror = () => { document.title = 'socket-refused';"
        + " document.getElementById('f').submit(); };</script></body></html>").getBytes(StandardCharsets.UTF_8);
    hostile.createContext("/", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "text/html");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    hostile.start();
    try {
      // Another port of the same host: the same site, so the browser sends the Lax cookie along.
      alice.browser.get("http://127.0.0.1:" + hostile.getAddress().getPort() + "/");
      alice.waiting().until(ExpectedConditions.urlContains(url + "/api/agents"));
      Chromium.screenshot(alice.browser, "alice-6-cross-origin-post");
      assertTrue(alice.browser.getPageSource().contains("forbidden"), alice.browser.getPageSource());
    } finally {
      hostile.stop(0);
    }
    assertTrue(awaitEvents("alice", "cross_origin_refused", "socketio") >= 1, "the socket refusal is audited");
    assertTrue(awaitEvents("alice", "cross_origin_refused", "agents-create") >= 1, "the post refusal is audited");
  }

  @Test
  @Order(5)
  @Tag("T-AUTH-018")
  void logout_revocation_and_a_workspace_lock_close_the_open_socket() throws Exception {
    // Alice's chat is open; she signs out from another tab of the same browser.
    alice.browser.get(url + "/chat/" + alice.agent);
    alice.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Connected"));
    Object status = ((JavascriptExecutor) alice.browser).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "fetch('/logout', {method: 'POST', redirect: 'manual'}).then(r => done(r.type)).catch(e => done(String(e)));");
    assertEquals("opaqueredirect", status, "signed out (303)");
    assertTrue(awaitEvents("alice", "session_unknown", "socketio") >= 1, "her socket closed at logout");

    bob.browser.get(url + "/chat/" + bob.agent);
    bob.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Connected"));
    admin.post("/admin/v1/tokens/revoke", new JsonObject().put("jti", bob.token.getString("jti")));
    assertTrue(awaitEvents("bob", "session_revoked", "socketio") >= 1, "his socket closed at revocation");

    signInWithProvider(carol);
    carol.browser.get(url + "/chat/" + carol.agent);
    carol.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Connected"));
    admin.post("/admin/v1/workspaces/" + carol.workspace + "/lock", new JsonObject());
    assertTrue(awaitEvents("carol", "session_workspace_locked", "socketio") >= 1, "her socket closed at the lock");
    Chromium.screenshot(carol.browser, "carol-7-locked");
  }

  /** The person's audit events with this reason on this route, waiting up to 10 s for them. */
  static long awaitEvents(String subject, String reason, String route) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long count = 0;
    while (count == 0 && System.nanoTime() < deadline) {
      try (Connection c = DriverManager.getConnection(database.jdbcUrl());
          PreparedStatement select = c.prepareStatement("SELECT count(*) FROM audit_events WHERE subject = ?"
              + " AND reason_key = ? AND route_id = ?")) {
        select.setString(1, subject);
        select.setString(2, reason);
        select.setString(3, route);
        try (ResultSet rs = select.executeQuery()) {
          rs.next();
          count = rs.getLong(1);
        }
      }
      if (count == 0) {
        Thread.sleep(200);
      }
    }
    return count;
  }

  /** The person's audit events of requests that may change something, for a failure's story. */
  static List<String> changes(String subject) throws Exception {
    return story("SELECT method, route_id, decision, reason_key, status::text FROM audit_events"
        + " WHERE subject = ? AND method NOT IN ('GET', 'HEAD') ORDER BY seq", subject);
  }

  /** The person's Socket.IO audit events, for a failure's story. */
  static List<String> socketEvents(String subject) throws Exception {
    return story("SELECT decision, reason_key, message_type, resource_ids::text FROM audit_events"
        + " WHERE subject = ? AND route_id = 'socketio' ORDER BY seq", subject);
  }

  /** Each row of {@code query} (one subject parameter) as its columns joined by spaces. */
  private static List<String> story(String query, String subject) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(database.jdbcUrl());
        PreparedStatement select = c.prepareStatement(query)) {
      select.setString(1, subject);
      try (ResultSet rs = select.executeQuery()) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= columns; i++) {
            row.add(rs.getString(i));
          }
          rows.add(String.join(" ", row));
        }
      }
    }
    return rows;
  }

  interface Step {
    void run() throws Exception;
  }

  static void run(Step step) {
    try {
      step.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
