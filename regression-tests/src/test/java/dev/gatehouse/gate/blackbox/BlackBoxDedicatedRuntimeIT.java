package dev.gatehouse.gate.blackbox;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The black-box suite in front of one elizaOS runtime per workspace (the default). */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class BlackBoxDedicatedRuntimeIT extends AgainstElizaRuntime {

  @TempDir
  static Path dataDir;

  @BeforeAll
  static void startDedicated() throws Exception {
    start(dataDir);
  }

  @AfterAll
  static void stopDedicated() throws Exception {
    stop();
  }
}
