package dev.gatehouse.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.limit.Limits;
import dev.gatehouse.gateway.limit.RateBudget;
import dev.gatehouse.gateway.mutate.ClientIdentity;
import dev.gatehouse.gateway.runtime.ManagedRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The managed-runtime and fair-share keys: defaults, precedence and refusals. */
class RuntimeConfigTest {

  final ConfigLoader loader = new ConfigLoader();

  GatewayConfig load(Map<String, String> env, Setting... flags) {
    return loader.load(Optional.empty(), env, List.of(flags));
  }

  static Setting flag(String key, String value) {
    return new Setting(key, value, "--flag");
  }

  @Test
  void by_default_no_runtime_is_managed_and_the_runtime_is_told_the_client_address() {
    GatewayConfig config = load(Map.of());

    assertFalse(config.runtime().managedEliza());
    assertEquals(ClientIdentity.ADDRESS, config.upstream().clientIdentity());
    assertEquals(Limits.PER_WORKSPACE, config.limits().perWorkspace());
    assertEquals(ManagedRuntime.DEFAULT_START_TIMEOUT, config.runtime().startTimeout());
  }

  @Test
  void the_cache_follows_xdg_cache_home() {
    GatewayConfig config = load(Map.of("XDG_CACHE_HOME", "/var/cache/gh"));

    assertEquals(Path.of("/var/cache/gh/gatehouse/runtimes/elizaos-server-" + ManagedRuntime.VERSION),
        config.runtime().cacheDir());
    assertEquals(Path.of("/opt/rt"), load(Map.of("GATEHOUSE_RUNTIME_CACHE_DIR", "/opt/rt")).runtime().cacheDir());
  }

  @Test
  void the_managed_runtime_is_told_workspaces_unless_configured_otherwise() {
    assertEquals(ClientIdentity.WORKSPACE, load(Map.of(), flag("runtime.managed", "eliza")).upstream().clientIdentity());
    assertEquals(ClientIdentity.ADDRESS, load(Map.of("GATEHOUSE_UPSTREAM_CLIENT_IDENTITY", "address"),
        flag("runtime.managed", "eliza")).upstream().clientIdentity());
    assertEquals(ClientIdentity.WORKSPACE, load(Map.of("GATEHOUSE_UPSTREAM_CLIENT_IDENTITY", "workspace"))
        .upstream().clientIdentity());
  }

  @Test
  void a_managed_runtime_refuses_a_configured_upstream_without_echoing_it() {
    ConfigException e = assertThrows(ConfigException.class, () -> load(
        Map.of("GATEHOUSE_UPSTREAM_API_KEY", "key-value-1234"), flag("runtime.managed", "eliza")));

    assertEquals("upstream.apiKey", e.key());
    assertTrue(e.getMessage().contains("GATEHOUSE_UPSTREAM_API_KEY"), e.getMessage());
    assertFalse(e.getMessage().contains("key-value-1234"), e.getMessage());
    assertEquals("upstream.url", assertThrows(ConfigException.class, () -> load(Map.of(),
        flag("runtime.managed", "eliza"), flag("upstream.url", "http://127.0.0.1:3000"))).key());
  }

  @Test
  void unknown_runtimes_and_identities_are_refused() {
    assertEquals("runtime.managed", assertThrows(ConfigException.class,
        () -> load(Map.of(), flag("runtime.managed", "bun"))).key());
    assertEquals("upstream.clientIdentity", assertThrows(ConfigException.class,
        () -> load(Map.of("GATEHOUSE_UPSTREAM_CLIENT_IDENTITY", "token"))).key());
  }

  @Test
  void the_workspace_budget_is_configurable() {
    GatewayConfig config = load(Map.of("GATEHOUSE_LIMITS_PER_WORKSPACE_BURST", "50",
        "GATEHOUSE_LIMITS_PER_WORKSPACE_INTERVAL", "2s"));

    assertEquals(new RateBudget(50, Duration.ofSeconds(2)), config.limits().perWorkspace());
  }
}
