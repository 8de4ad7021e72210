package dev.gatehouse.gate.blackbox;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The black-box suite in front of one elizaOS runtime shared by every workspace ({@code --isolation shared}). */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class BlackBoxSharedRuntimeIT extends AgainstElizaRuntime {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void startShared() throws Exception {
    start(dataDir, "runtime.isolation=shared");
  }

  @AfterAll
  static void stopShared() throws Exception {
    stop();
  }
}
