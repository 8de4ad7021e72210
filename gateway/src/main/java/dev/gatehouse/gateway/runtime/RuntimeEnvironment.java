package dev.gatehouse.gateway.runtime;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The environments handed to npm and to the runtime: built from an allowlist, never by copying
 * the gateway's own environment, which may hold the database password, Vault token or upstream
 * key.
 *
 * <p>The runtime needs this most: elizaOS copies environment variables into agents (every
 * variable into each agent's {@code settings.secrets}, and {@code <AGENT NAME>_*} variables into
 * that agent's secrets), where they are returned by the API and readable by every plugin.
 */
final class RuntimeEnvironment {

  /** Variables the runtime and npm inherit from the gateway: where programs and the home are. */
  static final String[] INHERITED = {"PATH", "HOME"};

  private RuntimeEnvironment() {}

  /** PATH, HOME, and npm's own and proxy settings (npm must reach a registry or mirror). */
  static Map<String, String> forNpm(Map<String, String> gateway) {
    Map<String, String> env = inherited(gateway);
    gateway.forEach((name, value) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.startsWith("npm_config_") || lower.equals("http_proxy") || lower.equals("https_proxy")
          || lower.equals("no_proxy") || name.equals("NODE_EXTRA_CA_CERTS")) {
        env.put(name, value);
      }
    });
    return env;
  }

  /**
   * PATH, HOME and the runtime's settings. The credentials are in the map because elizaOS reads
   * them from its environment; the start script hides them from enumeration inside Node (see
   * {@code gatehouse-eliza-start.mjs}), so they reach no agent.
   *
   * @param apiKey the value of both {@code ELIZA_SERVER_AUTH_TOKEN} (HTTP) and
   *     {@code SERVER_API_KEY} (Socket.IO), so the one {@code X-API-KEY} header the gateway
   *     injects opens both
   */
  static Map<String, String> forRuntime(Map<String, String> gateway, String apiKey, String secretSalt) {
    Map<String, String> env = inherited(gateway);
    env.put("SERVER_HOST", "127.0.0.1");
    env.put("ELIZA_SERVER_AUTH_TOKEN", apiKey);
    env.put("SERVER_API_KEY", apiKey);
    env.put("SECRET_SALT", secretSalt);
    env.put("ELIZA_UI_ENABLE", "false");
    env.put("ELIZA_NO_AUTO_INSTALL", "true");
    env.put("ELIZA_NO_PLUGIN_AUTO_INSTALL", "true");
    // elizaOS 1.7.2 falls back to its own hard-coded Sentry DSN when SENTRY_DSN is empty. A value
    // that is not a DSN leaves the Sentry client without a transport, so nothing is sent.
    env.put("SENTRY_DSN", "disabled");
    return env;
  }

  private static Map<String, String> inherited(Map<String, String> gateway) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : INHERITED) {
      String value = gateway.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    return env;
  }
}
