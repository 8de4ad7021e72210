package dev.gatehouse.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.ElizaRuntimes;
import dev.gatehouse.gateway.testsupport.StandInModel;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The managed elizaOS runtime, for real: installed from npm (or the cache), started on loopback
 * with generated credentials, fronted by a real gateway, and stopped with nothing left behind.
 * This class starts a runtime of its own (not the shared one) because it stops it.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagedRuntimeIT {

  /**
   * Everything the runtime's environment may hold; all of it is set by the gateway (the OPENAI_*
   * names are the model settings of runtime.environment, here the stand-in model's).
   */
  static final Set<String> ALLOWED_ENVIRONMENT = Set.of("PATH", "HOME", "SERVER_HOST", "ELIZA_SERVER_AUTH_TOKEN",
      "SERVER_API_KEY", "SECRET_SALT", "ELIZA_UI_ENABLE", "ELIZA_NO_AUTO_INSTALL", "ELIZA_NO_PLUGIN_AUTO_INSTALL",
      "SENTRY_DSN", "OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_SMALL_MODEL", "OPENAI_LARGE_MODEL");

  @TempDir
  static Path dir;
  static ManagedRuntime runtime;
  static List<ProcessHandle> tree;
  static TestDatabase database;
  static Gateway gateway;
  static AdminClient admin;
  static Map<String, String> runtimeEnvironment;
  /** HTTP/1.1: the runtime drops requests offering an h2c upgrade. */
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    runtime = ElizaRuntimes.start(dir.resolve("runtime"));
    ProcessHandle node = ProcessHandle.of(runtime.pid()).orElseThrow();
    tree = new ArrayList<>(node.descendants().toList());
    tree.add(node);
    runtimeEnvironment = environmentOf(runtime.pid());
    database = new TestDatabase();
    List<String> settings = new ArrayList<>(ElizaRuntimes.gatewaySettings(runtime));
    settings.add("database.url=" + database.url());
    settings.add("policy.file=" + ElizaRuntimes.DEFAULT_POLICY);
    gateway = TestGateways.start(dir.resolve("gateway"), settings.toArray(new String[0]));
    admin = new AdminClient(gateway);
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    if (database != null) {
      database.close();
    }
    if (runtime != null) {
      runtime.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(1)
  @Tag("T-ISO-007")
  @Tag("T-SEC-012")
  void agents_are_listed_through_the_gateway_and_the_runtime_credentials_never_reach_the_client() throws Exception {
    String token = admin.mint(admin.createWorkspace("runtime-it"), "reader", List.of("agents:read"));

    HttpResponse<String> listed = http.send(HttpRequest.newBuilder(URI.create(TestGateways.mainUrl(gateway) + "/api/agents"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(200, listed.statusCode(), listed.body());
    assertTrue(new JsonObject(listed.body()).getBoolean("success"), listed.body());
    String salt = runtimeEnvironment.get("SECRET_SALT");
    String key = runtime.target().apiKey().orElseThrow();
    assertTrue(salt.length() >= 43 && !salt.equals(key), "a strong salt of its own");
    assertEquals(key, runtimeEnvironment.get("ELIZA_SERVER_AUTH_TOKEN"));
    assertEquals(key, runtimeEnvironment.get("SERVER_API_KEY"));
    String everything = listed.headers().map() + listed.body();
    assertFalse(everything.contains(key), "the API key is not in the response");
    assertFalse(everything.contains(salt), "the salt is not in the response");
    HttpResponse<String> direct = http.send(HttpRequest.newBuilder(runtime.target().url().resolve("/api/agents")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(401, direct.statusCode(), "without the gateway's key the runtime refuses");
  }

  @Test
  @Order(2)
  @Tag("T-ISO-007")
  void the_runtime_listens_on_loopback_only_with_an_allowlisted_environment_and_a_kept_salt() throws Exception {
    assertEquals("127.0.0.1", runtime.target().url().getHost());
    for (InetAddress address : nonLoopbackIpv4()) {
      assertThrows(IOException.class, () -> new Socket(address, runtime.target().url().getPort()).close(),
          "not reachable on " + address.getHostAddress());
    }
    assertTrue(ALLOWED_ENVIRONMENT.containsAll(runtimeEnvironment.keySet()),
        "unexpected variables: " + runtimeEnvironment.keySet());
    assertEquals("127.0.0.1", runtimeEnvironment.get("SERVER_HOST"));
    Path saltFile = dir.resolve("runtime").resolve(RuntimeSalt.FILE);
    assertEquals(runtimeEnvironment.get("SECRET_SALT"), Files.readString(saltFile), "the salt is kept for restarts");
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(saltFile)));
    assertEquals("false", runtimeEnvironment.get("ELIZA_UI_ENABLE"));
  }

  /**
   * elizaOS copies the environment into agents: all of it into every started agent, and
   * {@code <NAME>_*} variables into the agent called NAME. An agent named Server, Eliza, Secret or
   * OpenAI would receive SERVER_API_KEY, ELIZA_SERVER_AUTH_TOKEN, SECRET_SALT or the model key
   * that way.
   */
  @Test
  @Order(3)
  @Tag("T-SEC-011")
  @Tag("T-SEC-012")
  void runtime_credentials_never_reach_agent_settings() throws Exception {
    Set<String> forbidden = Set.of("API_KEY", "SERVER_AUTH_TOKEN", "SALT", "ELIZA_SERVER_AUTH_TOKEN", "SERVER_API_KEY",
        "SECRET_SALT", "PATH", "HOME", "BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL");
    for (String name : List.of("Server", "Eliza", "Secret", "OpenAI")) {
      JsonObject created = runtimeCall("POST", "/api/agents", new JsonObject().put("characterJson",
          new JsonObject().put("name", name).put("bio", "probe").put("plugins", List.of("@elizaos/plugin-sql"))));
      JsonObject character = created.getJsonObject("data").getJsonObject("character");
      String id = character.getString("id");
      assertNoKeys(forbidden, character.getJsonObject("secrets"), name + " as created");
      runtimeCall("POST", "/api/agents/" + id + "/start", null);
      JsonObject stored = runtimeCall("GET", "/api/agents/" + id, null).getJsonObject("data");
      assertEquals("active", stored.getString("status"), name + " started");
      JsonObject settings = stored.getJsonObject("settings");
      assertNoKeys(forbidden, settings == null ? null : settings.getJsonObject("secrets"), name + " once started");
      String body = stored.encode();
      assertFalse(body.contains(runtime.target().apiKey().orElseThrow()) || body.contains(runtimeEnvironment.get("SECRET_SALT"))
          || body.contains(StandInModel.API_KEY));
    }
  }

  @Test
  @Order(4)
  void stop_ends_the_runtime_and_every_process_it_started() throws Exception {
    TestGateways.stopQuietly(gateway);
    gateway = null;

    runtime.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

    assertFalse(runtime.isAlive());
    for (ProcessHandle p : tree) {
      assertFalse(p.isAlive(), "process " + p.pid() + " is gone");
    }
    assertThrows(IOException.class, () -> new Socket("127.0.0.1", runtime.target().url().getPort()).close(),
        "nothing listens on the runtime's port");
    runtime = null;
  }

  static void assertNoKeys(Set<String> forbidden, JsonObject secrets, String what) {
    Set<String> keys = secrets == null ? Set.of() : secrets.fieldNames();
    assertEquals(Set.of(), intersection(forbidden, keys), what + ": secrets " + keys);
  }

  static Set<String> intersection(Set<String> a, Set<String> b) {
    Set<String> both = new java.util.HashSet<>(a);
    both.retainAll(b);
    return both;
  }

  static JsonObject runtimeCall(String method, String path, JsonObject body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(runtime.target().url().resolve(path))
        .header("X-API-KEY", runtime.target().apiKey().orElseThrow())
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(2, response.statusCode() / 100, method + " " + path + ": " + response.body());
    return new JsonObject(response.body());
  }

  /** The environment the process was started with, as the kernel recorded it. */
  static Map<String, String> environmentOf(long pid) throws IOException {
    Map<String, String> env = new HashMap<>();
    String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8);
    for (String entry : raw.split("\0")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env;
  }

  static List<InetAddress> nonLoopbackIpv4() throws IOException {
    List<InetAddress> found = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          found.add(a);
        }
      }
    }
    return found;
  }
}
