package dev.gatehouse.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class RuntimeEnvironmentTest {

  static final Map<String, String> GATEWAY = Map.of(
      "PATH", "/usr/bin", "HOME", "/home/gh",
      "GATEHOUSE_DATABASE_PASSWORD", "db-secret", "GATEHOUSE_UPSTREAM_API_KEY", "old-key", "VAULT_TOKEN", "s.vault",
      "OPENAI_API_KEY", "sk-tenant", "npm_config_registry", "https://mirror.example", "HTTPS_PROXY", "http://proxy:3128");

  @Test
  @Tag("T-SEC-005")
  void the_runtime_gets_path_home_and_its_own_settings_only() {
    Map<String, String> env = RuntimeEnvironment.forRuntime(GATEWAY, "k", "s");

    assertEquals(Set.of("PATH", "HOME", "SERVER_HOST", "ELIZA_SERVER_AUTH_TOKEN", "SERVER_API_KEY", "SECRET_SALT",
        "ELIZA_UI_ENABLE", "ELIZA_NO_AUTO_INSTALL", "ELIZA_NO_PLUGIN_AUTO_INSTALL", "SENTRY_DSN"), env.keySet());
    assertEquals("127.0.0.1", env.get("SERVER_HOST"));
    assertEquals("k", env.get("ELIZA_SERVER_AUTH_TOKEN"));
    assertEquals("k", env.get("SERVER_API_KEY"), "one key opens HTTP and Socket.IO");
    assertEquals("s", env.get("SECRET_SALT"));
    assertFalse(env.get("SENTRY_DSN").isEmpty(), "an empty DSN would fall back to elizaOS's own");
  }

  @Test
  @Tag("T-SEC-005")
  void npm_gets_path_home_its_settings_and_proxies_but_no_secret() {
    Map<String, String> env = RuntimeEnvironment.forNpm(GATEWAY);

    assertEquals(Set.of("PATH", "HOME", "npm_config_registry", "HTTPS_PROXY"), env.keySet());
  }
}
