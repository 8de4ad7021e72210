package dev.gatehouse.gateway.isolation;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.ElizaRuntimes;
import dev.gatehouse.gateway.testsupport.RuntimeProcesses;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConversingWorkspaces} with one runtime per workspace, run by the gateway (the default),
 * plus what only a runtime of its own guarantees: after real conversations in both workspaces,
 * nothing B reads about its own agent (logs, runs, rooms, worlds, memories, participants,
 * messages) holds anything of A's, although the runtime's own queries are not scoped by agent.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class DedicatedRuntimeIsolationIT extends ConversingWorkspaces {

  @TempDir
  static Path dir;
  static TestDatabase database;
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    List<String> settings = new ArrayList<>(ElizaRuntimes.dedicatedSettings());
    settings.add("database.url=" + database.url());
    settings.add("policy.file=" + ElizaRuntimes.DEFAULT_POLICY);
    settings.add("limits.perToken.burst=100000");
    settings.add("limits.perAddress.burst=100000");
    settings.add("limits.perWorkspace.burst=100000");
    gateway = TestGateways.start(dir.resolve("gateway"), ElizaRuntimes.environment(), settings.toArray(new String[0]));
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    if (database != null) {
      database.close();
    }
  }

  @Override
  Gateway gateway() {
    return gateway;
  }

  @Override
  boolean anonymousRuntime() {
    return false;
  }

  /** Each workspace's runtime key and salt, read from the running processes, and the secret values. */
  @Override
  List<String> forbidden() {
    List<String> values = new ArrayList<>(List.of(SECRET));
    for (Flow who : List.of(a, b)) {
      Map<String, String> env = RuntimeProcesses.environmentOf(
          RuntimeProcesses.of(dir.resolve("gateway"), who.client.workspace()).orElseThrow().pid());
      values.add(env.get("ELIZA_SERVER_AUTH_TOKEN"));
      values.add(env.get("SECRET_SALT"));
    }
    assertFalse(values.contains(null), "both runtimes run with a key and a salt");
    return values;
  }
}
