package dev.gatehouse.gateway.cli;

import dev.gatehouse.gateway.admin.BootstrapToken;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.ListenAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where an admin command sends its request and which token file it reads. An explicit
 * {@code --admin-url} or {@code --token-file} wins; whatever is not given comes from the node's
 * configuration, loaded exactly as {@code serve} loads it ({@code --config} or ./gatehouse.yaml,
 * then {@code GATEHOUSE_*}): {@code admin.listen} gives the URL (a wildcard host is reached on
 * loopback) and {@code dataDir} the bootstrap token file. Relative paths are read from the
 * working directory, as {@code serve} writes them.
 */
record AdminTarget(String url, Path tokenFile) {

  /**
   * @throws ConfigException when the configuration is needed and invalid, or its admin port is 0
   *     (chosen at start, so unknown here)
   */
  static AdminTarget resolve(String adminUrl, Path tokenFile, Path configFile, Map<String, String> env) {
    if (adminUrl != null && tokenFile != null) {
      return new AdminTarget(adminUrl, tokenFile);
    }
    GatewayConfig config = new ConfigLoader().load(Optional.ofNullable(configFile), env, List.of());
    return new AdminTarget(adminUrl != null ? adminUrl : url(config.admin()),
        tokenFile != null ? tokenFile : config.dataDir().resolve(BootstrapToken.FILE_NAME));
  }

  /** The admin listener's URL: https when it has TLS ({@code admin.tls.*}). */
  private static String url(GatewayConfig.Admin admin) {
    ListenAddress listen = admin.listen();
    if (listen.port() == 0) {
      throw new ConfigException("admin.listen", "has port 0 (chosen at start): pass --admin-url");
    }
    String host = switch (listen.host()) {
      case "0.0.0.0" -> "127.0.0.1";
      case "::", "0:0:0:0:0:0:0:0" -> "::1";
      default -> listen.host();
    };
    return (admin.tls().isPresent() ? "https://" : "http://") + new ListenAddress(host, listen.port());
  }
}
