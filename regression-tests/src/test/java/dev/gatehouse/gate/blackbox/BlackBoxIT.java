package dev.gatehouse.gate.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gate.cli.GateCommand;
import dev.gatehouse.gate.results.Outcome;
import dev.gatehouse.gate.results.TestCaseResult;
import dev.gatehouse.gate.results.TestReports;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.Setting;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The black-box suite, case by case, against an in-process deployment started the way an
 * operator starts one (built-in default route policy, embedded-style PostgreSQL, the runtime
 * played by {@link TestUpstream}); the suite reaches it over HTTP only. The deployment trusts the
 * loopback proxy so each attack names its own client address. Then the gatehouse-gate command
 * runs the same suite end to end, once against this deployment (exit 0, three reports) and once
 * against a weakened one: the runtime reached directly, without the gateway (exit 1, naming
 * the threats).
 */
@Tag("T-AUTH-001") @Tag("T-AUTH-002") @Tag("T-AUTH-003") @Tag("T-AUTH-004") @Tag("T-AUTH-005") @Tag("T-AUTH-006")
@Tag("T-AUTH-007") @Tag("T-AUTH-009") @Tag("T-AUTH-011") @Tag("T-AUTH-012") @Tag("T-HYG-001") @Tag("T-HYG-002")
@Tag("T-HYG-003") @Tag("T-HYG-005") @Tag("T-HYG-006") @Tag("T-ADM-001") @Tag("T-ADM-002") @Tag("T-ADM-004")
@Tag("T-AUD-001") @Tag("T-AUD-004") @Tag("T-SEC-009") @Tag("T-SEC-012") @Tag("T-DOS-001") @Tag("T-DOS-002")
@Tag("T-SUP-002")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BlackBoxIT {

  @TempDir
  static Path dataDir;
  @TempDir
  static Path reports;
  static final Vertx VERTX = Vertx.vertx();
  static TestDatabase database;
  static TestUpstream upstream;
  static Gateway gateway;
  static Deployment deployment;
  static Session session;
  static Path tokenFile;

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    gateway = Await.result(Gateway.start(VERTX, new ConfigLoader().load(Optional.empty(), Map.of(), List.of(
        new Setting("dataDir", dataDir.toString(), "test"),
        new Setting("server.listen", "127.0.0.1:0", "test"),
        new Setting("admin.listen", "127.0.0.1:0", "test"),
        new Setting("server.drainTimeout", "2s", "test"),
        new Setting("server.trustedProxies", "127.0.0.1/32", "test"),
        new Setting("upstream.url", upstream.url(), "test"),
        new Setting("database.url", database.url(), "test")))));
    tokenFile = dataDir.resolve("admin-token");
    deployment = new Deployment(URI.create(TestGateways.mainUrl(gateway)),
        URI.create("http://127.0.0.1:" + gateway.adminPort()), Files.readString(tokenFile).trim());
    session = Session.open(deployment, SuiteOptions.defaults());
  }

  @AfterAll
  static void stop() throws Exception {
    if (session != null) {
      session.close();
    }
    TestGateways.stopQuietly(gateway);
    Await.result(VERTX.close());
    upstream.close();
    database.close();
  }

  static Stream<Arguments> cases() {
    return BlackBoxSuite.cases().stream().map(c -> Arguments.of(c.id(), c));
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void case_holds_against_an_in_process_deployment(String id, Case c) {
    CaseResult result = BlackBoxSuite.run(c, session);
    assertEquals(Outcome.PASSED, result.outcome(), result.message());
  }

  @Order(2)
  @Test
  void no_attack_reached_the_runtime_and_controls_did() {
    List<String> markers = upstream.received().stream().map(r -> r.headers().get(Session.MARKER))
        .filter(m -> m != null).toList();
    assertTrue(markers.stream().anyMatch(m -> m.startsWith("control-")), "controls reach the runtime: " + markers);
    assertEquals(List.of(), markers.stream().filter(m -> m.startsWith("attack-")).toList());
  }

  @Order(3)
  @Test
  void the_command_runs_the_suite_writes_three_reports_and_exits_0() throws Exception {
    Path dir = reports.resolve("good");
    int exit = GateCommand.execute("--target", TestGateways.mainUrl(gateway), "--admin",
        "http://127.0.0.1:" + gateway.adminPort(), "--admin-token-file", tokenFile.toString(),
        "--report-dir", dir.toString());
    assertEquals(0, exit, () -> read(dir.resolve("blackbox.md")));
    List<TestCaseResult> junit = TestReports.read(dir.resolve("blackbox-junit.xml"));
    assertEquals(BlackBoxSuite.cases().size(), junit.size());
    assertTrue(junit.stream().allMatch(c -> c.outcome() == Outcome.PASSED));
    JsonNode sarif = new ObjectMapper().readTree(dir.resolve("blackbox.sarif").toFile());
    assertEquals("2.1.0", sarif.path("version").asText());
    assertEquals(0, sarif.path("runs").path(0).path("results").size());
    assertTrue(read(dir.resolve("blackbox.md")).startsWith("# Gatehouse black-box security suite: **PASS**"));
  }

  @Order(4)
  @Test
  void a_weakened_deployment_makes_the_command_exit_1_naming_the_threats() throws Exception {
    Path dir = reports.resolve("weak");
    // The runtime reached without the gateway: every token "works".
    int exit = GateCommand.execute("--target", upstream.url(), "--admin", "http://127.0.0.1:" + gateway.adminPort(),
        "--admin-token-file", tokenFile.toString(), "--report-dir", dir.toString());
    assertEquals(1, exit);
    JsonNode results = new ObjectMapper().readTree(dir.resolve("blackbox.sarif").toFile()).path("runs").path(0)
        .path("results");
    List<String> failedRules = results.findValuesAsText("ruleId");
    assertTrue(failedRules.containsAll(List.of("T-AUTH-001", "T-AUTH-003", "T-AUTH-005", "T-HYG-001")), failedRules::toString);
    String md = read(dir.resolve("blackbox.md"));
    assertTrue(md.startsWith("# Gatehouse black-box security suite: **FAIL**"), md);
    assertTrue(md.contains("| BB-J02 | T-AUTH-001 |"), md);
    for (JsonNode r : results) {
      if (r.path("ruleId").asText().equals("T-AUTH-001")) {
        assertEquals("error", r.path("level").asText(), "critical threats are SARIF errors");
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (Exception e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
