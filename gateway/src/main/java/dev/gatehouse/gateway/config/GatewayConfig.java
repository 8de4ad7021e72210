package dev.gatehouse.gateway.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The validated configuration of one Gatehouse node. Built only by {@link ConfigLoader}, which
 * applies the defaults below, so every field is non-null unless documented as optional.
 */
public record GatewayConfig(
    Path dataDir,
    Server server,
    Admin admin,
    Upstream upstream,
    Database database) {

  public static final String DEFAULT_DATA_DIR = ".gatehouse";
  public static final String DEFAULT_LISTEN = "127.0.0.1:8080";
  public static final String DEFAULT_ADMIN_LISTEN = "127.0.0.1:8081";
  public static final String DEFAULT_UPSTREAM_URL = "http://127.0.0.1:3000";
  /** In-flight requests get this long to finish on shutdown before connections are closed. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Longest silence from the runtime (no response bytes) before the gateway answers 504. */
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_POOL_SIZE = 8;

  /** The main (data-plane) listener. */
  public record Server(ListenAddress listen, Duration drainTimeout, String nodeId) {}

  /** The admin-plane listener; loopback by default. */
  public record Admin(ListenAddress listen) {}

  /** The one runtime the gateway fronts. */
  public record Upstream(URI url, Duration connectTimeout, Duration responseTimeout) {

    public String host() {
      return url.getHost();
    }

    public int port() {
      if (url.getPort() != -1) {
        return url.getPort();
      }
      return isTls() ? 443 : 80;
    }

    public boolean isTls() {
      return "https".equals(url.getScheme());
    }
  }

  /**
   * PostgreSQL. With no {@code url}, the gateway starts an embedded PostgreSQL under
   * {@code <dataDir>/pg}.
   */
  public record Database(Optional<URI> url, Optional<String> user, Optional<String> password,
      int poolSize) {

    public boolean embedded() {
      return url.isEmpty();
    }
  }
}
