package dev.gatehouse.gateway.tier;

import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.ElizaRuntimes;
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

/** {@link Conversations} with one runtime for every workspace (the JVM's shared runtime as the upstream). */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class SharedConversationIT extends Conversations {

  @TempDir
  static Path dir;
  static TestDatabase database;
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    List<String> settings = new ArrayList<>(ElizaRuntimes.gatewaySettings(ElizaRuntimes.shared()));
    settings.add("database.url=" + database.url());
    settings.add("policy.file=" + ElizaRuntimes.DEFAULT_POLICY);
    gateway = TestGateways.start(dir.resolve("gateway"), settings.toArray(new String[0]));
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
}
