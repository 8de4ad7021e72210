package dev.gatehouse.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.limit.Limits;
import dev.gatehouse.gateway.limit.RateBudget;
import dev.gatehouse.gateway.mutate.ClientIdentity;
import dev.gatehouse.gateway.runtime.ManagedRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    assertEquals(Path.of("/var/cache/gh/gatehouse/runtimes"), config.runtime().cacheDir());
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

  @Test
  void a_managed_runtime_runs_one_runtime_per_workspace_by_default() {
    GatewayConfig config = load(Map.of(), flag("runtime.managed", "eliza"));

    assertTrue(config.runtime().dedicated());
    assertEquals(GatewayConfig.RuntimeSettings.DEFAULT_MAX_RUNNING, config.runtime().maxRunning());
    assertEquals(GatewayConfig.RuntimeSettings.DEFAULT_IDLE_TIMEOUT, config.runtime().idleTimeout());
    assertEquals(GatewayConfig.RuntimeSettings.DEFAULT_START_WAIT, config.runtime().startWait());
    assertEquals(ManagedRuntime.DEFAULT_HEAP_LIMIT_MIB, config.runtime().heapLimitMiB());
    assertEquals(Set.of("@elizaos/plugin-sql", "@elizaos/plugin-bootstrap", "@elizaos/plugin-openai"),
        config.runtime().plugins());
    assertTrue(config.runtime().packages().isPresent(), "the shipped lockfile");
    assertFalse(load(Map.of("GATEHOUSE_RUNTIME_ISOLATION", "shared"), flag("runtime.managed", "eliza"))
        .runtime().dedicated());
  }

  @Test
  void isolation_and_a_lockfile_need_a_managed_runtime() {
    assertEquals("runtime.isolation", assertThrows(ConfigException.class,
        () -> load(Map.of(), flag("runtime.isolation", "dedicated"))).key());
    assertEquals("runtime.lockfile", assertThrows(ConfigException.class,
        () -> load(Map.of(), flag("runtime.lockfile", "package-lock.json"))).key());
    assertEquals("runtime.isolation", assertThrows(ConfigException.class,
        () -> load(Map.of(), flag("runtime.managed", "eliza"), flag("runtime.isolation", "per-user"))).key());
  }

  @Test
  void plugins_must_be_pinned_and_other_plugins_need_their_own_lockfile() {
    ConfigException unpinned = assertThrows(ConfigException.class, () -> load(Map.of(),
        flag("runtime.plugins", "@elizaos/plugin-sql@^1.7.2")));
    assertEquals("runtime.plugins", unpinned.key());
    assertTrue(unpinned.getMessage().contains("exact version"), unpinned.getMessage());
    assertEquals("runtime.lockfile", assertThrows(ConfigException.class, () -> load(Map.of(),
        flag("runtime.managed", "eliza"), flag("runtime.plugins", "@elizaos/plugin-sql@1.7.2"))).key());

    GatewayConfig fronting = load(Map.of(), flag("runtime.plugins", "@elizaos/plugin-sql@1.7.2,@acme/plugin-x@2.0.1"));
    assertEquals(Set.of("@elizaos/plugin-sql", "@acme/plugin-x"), fronting.runtime().plugins(),
        "an allowlist for a runtime the gateway does not install needs no lockfile");
    assertTrue(fronting.runtime().packages().isEmpty());
  }

  @Test
  void a_lockfile_that_does_not_pin_exactly_the_plugins_is_refused(@TempDir Path dir) throws Exception {
    Path lockfile = dir.resolve("package-lock.json");
    Files.writeString(lockfile, "{\"lockfileVersion\":3,\"packages\":{\"\":{\"dependencies\":"
        + "{\"@elizaos/server\":\"1.7.2\",\"@elizaos/plugin-sql\":\"1.7.1\"}}}}");

    ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), flag("runtime.managed", "eliza"),
        flag("runtime.plugins", "@elizaos/plugin-sql@1.7.2"), flag("runtime.lockfile", lockfile.toString())));

    assertEquals("runtime.lockfile", e.key());
    assertTrue(e.getMessage().contains("not exactly the runtime and its plugins"), e.getMessage());
  }

  @Test
  void only_the_named_model_settings_that_are_set_reach_the_runtimes_and_none_is_printed() {
    GatewayConfig config = load(Map.of("OPENAI_API_KEY", "sk-secret-value-123", "OPENAI_BASE_URL",
        "http://127.0.0.1:11434/v1", "DATABASE_PASSWORD", "hunter2"), flag("runtime.managed", "eliza"));

    assertEquals(Set.of("OPENAI_API_KEY", "OPENAI_BASE_URL"), config.runtime().environment().keySet());
    assertEquals("sk-secret-value-123", config.runtime().environment().get("OPENAI_API_KEY").revealUtf8());
    assertFalse(config.toString().contains("sk-secret-value-123"), "no value in the configuration's text");
    assertEquals(Set.of("ANTHROPIC_API_KEY"), load(Map.of("OPENAI_API_KEY", "x", "ANTHROPIC_API_KEY", "y"),
        flag("runtime.managed", "eliza"), flag("runtime.environment", "ANTHROPIC_API_KEY")).runtime().environment().keySet());
  }

  @Test
  void waits_and_timeouts_must_be_longer_than_zero() {
    assertEquals("runtime.startWait", assertThrows(ConfigException.class, () -> load(Map.of(),
        flag("runtime.managed", "eliza"), flag("runtime.startWait", "0s"))).key());
    assertEquals("runtime.maxRunning", assertThrows(ConfigException.class, () -> load(Map.of(),
        flag("runtime.managed", "eliza"), flag("runtime.maxRunning", "0"))).key());
  }
}
