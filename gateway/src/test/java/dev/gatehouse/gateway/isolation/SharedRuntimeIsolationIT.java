package dev.gatehouse.gateway.isolation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.runtime.ManagedRuntime;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.ElizaRuntimes;
import dev.gatehouse.gateway.testsupport.RuntimeProcesses;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConversingWorkspaces} in front of one runtime shared by every workspace (the JVM's
 * shared runtime as the upstream): the route policy's ownership checks are the only boundary.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class SharedRuntimeIsolationIT extends ConversingWorkspaces {

  @TempDir
  static Path dir;
  static ManagedRuntime runtime;
  static TestDatabase database;
  static Gateway gateway;
  static List<String> forbidden;

  @BeforeAll
  static void start() throws Exception {
    runtime = ElizaRuntimes.shared();
    database = new TestDatabase();
    List<String> settings = new ArrayList<>(ElizaRuntimes.gatewaySettings(runtime));
    settings.add("database.url=" + database.url());
    settings.add("policy.file=" + ElizaRuntimes.DEFAULT_POLICY);
    // The route matrix sends hundreds of requests per token in a few seconds; budgets are RateLimitIT's subject.
    settings.add("limits.perToken.burst=100000");
    settings.add("limits.perAddress.burst=100000");
    settings.add("limits.perWorkspace.burst=100000");
    gateway = TestGateways.start(dir.resolve("gateway"), settings.toArray(new String[0]));
    String salt = RuntimeProcesses.environmentOf(runtime.pid()).get("SECRET_SALT");
    assertTrue(salt != null && salt.length() >= 32, "the runtime runs with a generated salt");
    forbidden = List.of(runtime.target().apiKey().orElseThrow(), salt, SECRET);
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
    return true;
  }

  @Override
  List<String> forbidden() {
    return forbidden;
  }
}
