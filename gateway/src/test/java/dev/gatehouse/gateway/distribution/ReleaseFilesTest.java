package dev.gatehouse.gateway.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The files the release archive ships next to the jar (src/dist): they must hold what they promise. */
class ReleaseFilesTest {

  static final Path DIST = Path.of("src", "dist");

  @Test
  void theExampleConfigurationLoadsAsIsAndPointsAtTheServicesDataDirectory() {
    GatewayConfig config = new ConfigLoader().load(Optional.of(DIST.resolve("etc/gatehouse.yaml")), Map.of(), List.of());

    assertEquals(Path.of("/var/lib/gatehouse"), config.dataDir());
    assertTrue(config.database().embedded());
    assertEquals("127.0.0.1", config.admin().listen().host(), "the admin plane stays on loopback");
    assertEquals(Duration.ofDays(7), config.tokens().settings().maxTtl());
  }

  @Test
  void theServiceRunsAsItsOwnUserWithTheDocumentedHardening() throws Exception {
    List<String> unit = Files.readAllLines(DIST.resolve("systemd/gatehouse.service"));
    for (String line : List.of("User=gatehouse", "Group=gatehouse", "NoNewPrivileges=yes", "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/gatehouse /var/cache/gatehouse", "PrivateTmp=yes", "ProtectHome=yes",
        "CapabilityBoundingSet=", "StateDirectory=gatehouse", "KillSignal=SIGTERM",
        "ExecStart=/opt/gatehouse/bin/gatehouse serve --config /etc/gatehouse/gatehouse.yaml")) {
      assertTrue(unit.contains(line), "gatehouse.service has " + line);
    }
    GatewayConfig config = new ConfigLoader().load(Optional.of(DIST.resolve("etc/gatehouse.yaml")), Map.of(), List.of());
    assertTrue(unit.contains("WorkingDirectory=" + config.dataDir()), "the unit's writable directory is the dataDir");
  }
}
