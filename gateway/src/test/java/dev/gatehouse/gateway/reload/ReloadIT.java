package dev.gatehouse.gateway.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /admin/v1/reload} on a running node: the route policy, the rate budgets and the
 * detection rules change from the next request (or event) on; a broken file changes nothing and
 * the answer names its line.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReloadIT {

  @TempDir
  Path dir;

  final HttpClient http = HttpClient.newHttpClient();
  TestDatabase database;
  TestUpstream upstream;
  Gateway gateway;
  AdminClient admin;
  Path policy;
  Path rules;
  /** What the node reads when it reloads: the test replaces it to change a setting. */
  final AtomicReference<GatewayConfig> source = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    policy = dir.resolve("policy.yaml");
    rules = Files.createDirectory(dir.resolve("rules"));
    Files.writeString(policy, policy("public"));
    source.set(config("limits.perAddress.burst=1000"));
    gateway = TestGateways.start(source.get(), source::get);
    admin = new AdminClient(gateway);
  }

  @AfterEach
  void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    upstream.close();
    database.close();
  }

  @Test
  void a_broken_policy_is_refused_with_its_line_and_a_good_one_decides_the_next_request() throws Exception {
    assertEquals(200, ping(), "the public route reaches the runtime");

    Files.writeString(policy, policy("alow"));
    HttpResponse<String> refused = admin.send("/admin/v1/reload", null);
    assertEquals(422, refused.statusCode(), refused.body());
    String problem = new JsonObject(refused.body()).getString("problem");
    assertTrue(problem.startsWith("policy.file: policy.yaml, line 6: route ping: action must be one of"), problem);
    assertEquals(200, ping(), "the running policy stays");

    Files.writeString(policy, policy("deny"));
    JsonObject applied = admin.post("/admin/v1/reload", null);
    assertEquals(1, applied.getInteger("routes"), applied.encode());
    assertEquals(401, ping(), "the reloaded policy decides the next request: a credential is needed");
  }

  @Test
  void rate_budgets_are_retuned() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertEquals(200, ping());
    }
    source.set(config("limits.perAddress.burst=2", "limits.perAddress.interval=1h"));
    admin.post("/admin/v1/reload", null);

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(ping());
    }
    assertEquals(429, statuses.get(statuses.size() - 1), statuses.toString());
    assertTrue(statuses.stream().filter(s -> s == 200).count() <= 2, statuses.toString());
  }

  @Test
  void a_rule_added_to_the_rules_directory_raises_alerts_after_the_reload() throws Exception {
    int shipped = admin.post("/admin/v1/reload", null).getInteger("rules");
    Files.writeString(rules.resolve("pings.yaml"), rule("3"));
    Files.writeString(rules.resolve("broken.yaml"), rule("three"));
    HttpResponse<String> refused = admin.send("/admin/v1/reload", null);
    assertEquals(422, refused.statusCode(), refused.body());
    String problem = new JsonObject(refused.body()).getString("problem");
    assertTrue(problem.contains("broken.yaml, line"), problem);
    Files.delete(rules.resolve("broken.yaml"));

    JsonObject applied = admin.post("/admin/v1/reload", null);
    assertEquals(shipped + 1, applied.getInteger("rules"), applied.encode());
    for (int i = 0; i < 3; i++) {
      assertEquals(200, ping());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String alerts = "";
    while (System.nanoTime() < deadline && !alerts.contains("X-PING")) {
      alerts = admin.get("/admin/v1/alerts?rule=X-PING").body();
      Thread.sleep(200);
    }
    assertTrue(alerts.contains("\"X-PING\""), alerts);
  }

  GatewayConfig config(String... settings) {
    List<String> all = new ArrayList<>(List.of("upstream.url=" + upstream.url(), "database.url=" + database.url(),
        "policy.file=" + policy, "detector.rulesDirectory=" + rules));
    all.addAll(List.of(settings));
    return TestGateways.config(dir.resolve("data"), all.toArray(new String[0]));
  }

  int ping() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(TestGateways.mainUrl(gateway) + "/ping")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static String policy(String action) {
    return "version: 1\n"
        + "routes:\n"
        + "  - id: ping\n"
        + "    methods: [GET]\n"
        + "    path: /ping\n"
        + "    action: " + action + "\n";
  }

  static String rule(String threshold) {
    return "version: 1\n"
        + "rules:\n"
        + "  - id: X-PING\n"
        + "    title: Pings from one address\n"
        + "    severity: low\n"
        + "    attack: T1595\n"
        + "    runbook: incident-response/GUIDE.md\n"
        + "    falsePositives: none\n"
        + "    entity: [client_address]\n"
        + "    where: { equals: { field: route_id, value: ping } }\n"
        + "    count: { window: 5m, threshold: " + threshold + " }\n";
  }
}
