package dev.gatehouse.gate.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.gate.results.Outcome;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.Setting;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.ElizaRuntimes;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The black-box suite, case by case, against a gateway fronting the real elizaOS runtime as
 * {@code gatehouse serve --runtime eliza} runs it (agents that answer through the stand-in model):
 * the cases must hold whatever the runtime behind the gateway does. Subclasses choose the
 * isolation mode.
 */
abstract class AgainstElizaRuntime {

  static final Vertx VERTX = Vertx.vertx();
  static TestDatabase database;
  static Gateway gateway;
  static Session session;

  /** Starts the gateway with {@code extra} settings and opens the suite's session against it. */
  static void start(Path dataDir, String... extra) throws Exception {
    database = new TestDatabase();
    List<String> pairs = new ArrayList<>(ElizaRuntimes.dedicatedSettings());
    pairs.addAll(List.of("dataDir=" + dataDir, "server.listen=127.0.0.1:0", "admin.listen=127.0.0.1:0",
        "server.drainTimeout=2s", "server.trustedProxies=127.0.0.1/32", "database.url=" + database.url()));
    pairs.addAll(List.of(extra));
    List<Setting> settings = pairs.stream()
        .map(pair -> new Setting(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1), "test"))
        .toList();
    // The built-in default route policy, as an operator runs it.
    gateway = Await.result(Gateway.start(VERTX, new ConfigLoader().load(Optional.empty(), ElizaRuntimes.environment(),
        settings)), Duration.ofMinutes(10));
    Deployment deployment = new Deployment(URI.create(TestGateways.mainUrl(gateway)),
        URI.create("http://127.0.0.1:" + gateway.adminPort()), Files.readString(dataDir.resolve("admin-token")).trim());
    session = Session.open(deployment, SuiteOptions.defaults());
  }

  static void stop() throws Exception {
    if (session != null) {
      session.close();
    }
    TestGateways.stopQuietly(gateway);
    if (database != null) {
      database.close();
    }
  }

  static Stream<Arguments> cases() {
    return BlackBoxSuite.cases().stream().map(c -> Arguments.of(c.id(), c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void case_holds_in_front_of_the_real_runtime(String id, Case c) {
    CaseResult result = BlackBoxSuite.run(c, session);
    assertEquals(Outcome.PASSED, result.outcome(), result.message());
  }
}
