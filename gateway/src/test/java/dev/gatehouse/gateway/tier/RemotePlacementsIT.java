package dev.gatehouse.gateway.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.authn.TestHttp;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Workspaces placed on runtimes the operator runs: two gateway nodes over one PostgreSQL, the
 * gateway's own upstream and a second upstream standing in for a remote runtime.
 */
class RemotePlacementsIT {

  static final String LOCAL_KEY = "local-runtime-key-4b1d";
  static final String REMOTE_KEY = "remote-runtime-key-canary-9e2c";
  static final Duration PROPAGATION_LIMIT = Duration.ofSeconds(5);

  @TempDir
  static Path temp;
  static TestDatabase database;
  static TestUpstream local;
  static TestUpstream remote;
  static Gateway a;
  static Gateway b;
  static AdminClient admin;

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    local = new TestUpstream();
    remote = new TestUpstream();
    Path keyring = temp.resolve("shared-keyring.json");
    a = node(Files.createDirectory(temp.resolve("a")), keyring);
    b = node(Files.createDirectory(temp.resolve("b")), keyring);
    admin = new AdminClient(a);
  }

  static Gateway node(Path dataDir, Path keyring) throws Exception {
    return TestGateways.start(dataDir,
        "upstream.url=" + local.url(),
        "upstream.apiKey=" + LOCAL_KEY,
        "database.url=" + database.url(),
        "secrets.keyring=" + keyring);
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(a);
    TestGateways.stopQuietly(b);
    local.close();
    remote.close();
    database.close();
  }

  /** The X-API-KEY the runtime behind {@code node} saw for one request of {@code token}; null if {@code runtime} saw none. */
  static String keySeenBy(TestUpstream runtime, Gateway node, String token) throws Exception {
    HttpResponse<String> response = TestHttp.get(TestGateways.mainUrl(node) + "/api/agents/a1", token);
    assertEquals(200, response.statusCode());
    String id = response.headers().firstValue("X-Request-Id").orElseThrow();
    return runtime.received().stream().filter(r -> id.equals(r.headers().get("X-Request-Id")))
        .map(r -> r.headers().get("X-API-KEY")).findFirst().orElse(null);
  }

  static JsonObject place(String workspace, String url, String key) throws Exception {
    HttpResponse<String> placed = admin.put("/admin/v1/workspaces/" + workspace + "/runtime",
        new JsonObject().put("url", url).put("apiKey", key));
    assertEquals(200, placed.statusCode(), placed.body());
    return new JsonObject(placed.body());
  }

  static void awaitKey(TestUpstream runtime, Gateway node, String token, String key) throws Exception {
    long deadline = System.nanoTime() + PROPAGATION_LIMIT.toNanos();
    while (!key.equals(keySeenBy(runtime, node, token))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the node did not route to the placed runtime within " + PROPAGATION_LIMIT);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void a_placed_workspace_goes_to_its_remote_runtime_on_every_node_and_others_stay_local() throws Exception {
    String placed = admin.createWorkspace("placed");
    String other = admin.createWorkspace("unplaced");
    String placedToken = admin.mint(placed, "pat", List.of("agents:read"));
    String otherToken = admin.mint(other, "olga", List.of("agents:read"));
    assertEquals(LOCAL_KEY, keySeenBy(local, b, placedToken), "before: the gateway's own runtime");

    JsonObject answer = place(placed, remote.url() + "/", REMOTE_KEY);

    assertEquals(new JsonObject().put("workspace", placed).put("placement", "remote").put("url", remote.url()), answer);
    assertEquals(REMOTE_KEY, keySeenBy(remote, a, placedToken), "the placing node, at once");
    awaitKey(remote, b, placedToken, REMOTE_KEY);
    assertNull(keySeenBy(remote, b, otherToken), "another workspace never reaches the remote runtime");
    assertEquals(LOCAL_KEY, keySeenBy(local, b, otherToken));

    HttpResponse<String> cleared = admin.delete("/admin/v1/workspaces/" + placed + "/runtime");
    assertEquals(200, cleared.statusCode());
    assertEquals("local", new JsonObject(cleared.body()).getString("placement"));
    assertEquals(LOCAL_KEY, keySeenBy(local, a, placedToken), "back to the gateway's own runtime");
    awaitKey(local, b, placedToken, LOCAL_KEY);
    assertEquals(404, admin.delete("/admin/v1/workspaces/" + placed + "/runtime").statusCode(), "nothing left to clear");
  }

  @Test
  void the_runtime_key_is_stored_sealed_and_never_answered() throws Exception {
    String workspace = admin.createWorkspace("sealed-key");
    place(workspace, remote.url(), REMOTE_KEY);

    HttpResponse<String> shown = admin.get("/admin/v1/workspaces/" + workspace + "/runtime");

    assertEquals(200, shown.statusCode());
    assertFalse(shown.body().contains(REMOTE_KEY));
    try (Connection sql = DriverManager.getConnection(database.jdbcUrl());
        ResultSet row = sql.createStatement().executeQuery(
            "SELECT url, key_sealed FROM runtime_placements WHERE workspace_id = '" + workspace + "'")) {
      assertTrue(row.next());
      assertEquals(remote.url(), row.getString("url"));
      assertFalse(row.getString("key_sealed").contains(REMOTE_KEY), "only the sealed key is stored");
      assertTrue(row.getString("key_sealed").contains("\"format\":\"ghs-blob:v1\""), "a sealed blob");
    }
  }

  @Test
  @Tag("T-ISO-007")
  void a_placement_whose_key_does_not_open_is_refused_and_never_sent_to_another_runtime() throws Exception {
    String first = admin.createWorkspace("swapped-1");
    String second = admin.createWorkspace("swapped-2");
    String token = admin.mint(first, "sam", List.of("agents:read"));
    place(first, remote.url(), REMOTE_KEY);
    place(second, remote.url(), REMOTE_KEY + "-2");
    // Each sealed key is bound to its workspace: swapped, neither opens.
    try (Connection sql = DriverManager.getConnection(database.jdbcUrl())) {
      sql.createStatement().execute("UPDATE runtime_placements p SET key_sealed = o.key_sealed FROM runtime_placements o "
          + "WHERE p.workspace_id IN ('" + first + "', '" + second + "') AND o.workspace_id IN ('" + first + "', '"
          + second + "') AND o.workspace_id <> p.workspace_id");
      sql.createStatement().execute("SELECT pg_notify('gatehouse_authn', 'placements')");
    }
    awaitStatus(a, token, 503);
    int localBefore = local.received().size();
    int remoteBefore = remote.received().size();

    HttpResponse<String> refused = TestHttp.get(TestGateways.mainUrl(a) + "/api/agents/a1", token);

    assertEquals(503, refused.statusCode());
    assertEquals(new JsonObject().put("error", "unavailable"), new JsonObject(refused.body()));
    assertTrue(refused.headers().firstValue("Retry-After").isPresent());
    assertEquals(localBefore, local.received().size(), "not sent to the gateway's own runtime");
    assertEquals(remoteBefore, remote.received().size(), "not sent with a wrong key");
  }

  static HttpResponse<String> awaitStatus(Gateway node, String token, int status) throws Exception {
    long deadline = System.nanoTime() + PROPAGATION_LIMIT.toNanos();
    while (true) {
      HttpResponse<String> response = TestHttp.get(TestGateways.mainUrl(node) + "/api/agents/a1", token);
      if (response.statusCode() == status || System.nanoTime() > deadline) {
        assertEquals(status, response.statusCode(), response.body());
        return response;
      }
      Thread.sleep(50);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not a web URL          | ftp://runtime.internal:21 | key-1  | 400 | invalid_url
      a path                 | http://runtime.internal/x | key-1  | 400 | invalid_url
      user info              | http://u:p@runtime:3000   | key-1  | 400 | invalid_url
      a query                | http://runtime:3000?a=1   | key-1  | 400 | invalid_url
      no key                 | http://runtime:3000       |        | 400 | invalid_api_key
      a key with a space     | http://runtime:3000       | 'a b'  | 400 | invalid_api_key
      """)
  void bad_placements_are_refused_with_a_clear_error(String name, String url, String key, int status, String error)
      throws Exception {
    String workspace = admin.createWorkspace("bad-" + name.replace(' ', '-'));
    JsonObject body = new JsonObject().put("url", url);
    if (key != null) {
      body.put("apiKey", key);
    }

    HttpResponse<String> refused = admin.put("/admin/v1/workspaces/" + workspace + "/runtime", body);

    assertEquals(status, refused.statusCode());
    assertEquals(new JsonObject().put("error", error), new JsonObject(refused.body()));
    assertEquals("local", new JsonObject(admin.get("/admin/v1/workspaces/" + workspace + "/runtime").body())
        .getString("placement"));
  }

  @Test
  void an_unknown_or_deleted_workspace_cannot_be_placed() throws Exception {
    JsonObject body = new JsonObject().put("url", remote.url()).put("apiKey", REMOTE_KEY);
    assertEquals(404, admin.put("/admin/v1/workspaces/00000000-0000-4000-8000-000000000001/runtime", body)
        .statusCode());
    String gone = admin.createWorkspace("gone");
    assertEquals(200, admin.delete("/admin/v1/workspaces/" + gone).statusCode());

    HttpResponse<String> refused = admin.put("/admin/v1/workspaces/" + gone + "/runtime", body);

    assertEquals(409, refused.statusCode());
    assertEquals("workspace_deleted", new JsonObject(refused.body()).getString("error"));
  }
}
