package dev.gatehouse.gateway.testsupport;

import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.Setting;
import dev.gatehouse.gateway.server.Gateway;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Starts in-process gateways on loopback port 0 for tests. */
public final class TestGateways {

  private TestGateways() {}

  /** The route policy tests run under unless they set {@code policy.file}. */
  public static final Path TEST_POLICY = Path.of("src", "test", "resources", "policies", "test-upstream.yaml");

  /**
   * Settings as key=value pairs, on top of port-0 listeners, the given data directory and
   * {@link #TEST_POLICY}.
   */
  public static Gateway start(Path dataDir, String... settings) throws Exception {
    return Await.result(Gateway.start(VERTX, config(dataDir, settings)));
  }

  /** As {@link #start(Path, String...)}, with {@code environment} as the process environment. */
  public static Gateway start(Path dataDir, Map<String, String> environment, String... settings) throws Exception {
    return Await.result(Gateway.start(VERTX, config(dataDir, environment, settings)), java.time.Duration.ofMinutes(10));
  }

  /** Starts {@code config}; a reload reads its configuration from {@code reloadSource}. */
  public static Gateway start(GatewayConfig config, java.util.function.Supplier<GatewayConfig> reloadSource)
      throws Exception {
    return Await.result(Gateway.start(VERTX, config, reloadSource));
  }

  /** {@code http://127.0.0.1:<main port>}. */
  public static String mainUrl(Gateway gateway) {
    return "http://127.0.0.1:" + gateway.port();
  }

  /** Stops a gateway; a failure to stop cleanly (say, after its database was stopped) is ignored. */
  public static void stopQuietly(Gateway gateway) {
    if (gateway == null) {
      return;
    }
    try {
      Await.result(gateway.stop());
    } catch (Exception e) {
      // The test is over; a gateway whose dependencies were taken away may not stop cleanly.
    }
  }

  /** One Vert.x for every in-process gateway of the test JVM; it lives as long as the JVM. */
  private static final Vertx VERTX = Vertx.vertx();

  public static GatewayConfig config(Path dataDir, String... settings) {
    return config(dataDir, Map.of(), settings);
  }

  /** The configuration of {@link #start(Path, Map, String...)}. */
  public static GatewayConfig config(Path dataDir, Map<String, String> environment, String... settings) {
    List<Setting> all = new ArrayList<>(List.of(
        new Setting("dataDir", dataDir.toString(), "test"),
        new Setting("server.listen", "127.0.0.1:0", "test"),
        new Setting("admin.listen", "127.0.0.1:0", "test"),
        new Setting("server.drainTimeout", "2s", "test"),
        new Setting("policy.file", TEST_POLICY.toString(), "test")));
    for (String s : settings) {
      int eq = s.indexOf('=');
      all.add(new Setting(s.substring(0, eq), s.substring(eq + 1), "test"));
    }
    return new ConfigLoader().load(Optional.empty(), environment, all);
  }
}
