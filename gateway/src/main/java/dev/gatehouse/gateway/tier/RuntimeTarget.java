package dev.gatehouse.gateway.tier;

import dev.gatehouse.secrets.SecretValue;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.util.Optional;

/**
 * Where one exchange goes: a runtime's base URL ({@code http(s)://host:port}) and the runtime's
 * own API key, which the gateway injects as {@code X-API-KEY} and the runtime never hands out.
 * The key appears in no message and no {@code toString()}.
 */
public final class RuntimeTarget {

  private final URI url;
  private final SocketAddress origin;
  private final String apiKey;

  /**
   * @throws IllegalArgumentException if {@code url} has no host, or the key is empty or holds
   *     anything but visible ASCII (the message never contains the key)
   */
  public RuntimeTarget(URI url, Optional<SecretValue> apiKey) {
    if (url.getHost() == null) {
      throw new IllegalArgumentException("runtime URL needs a host");
    }
    this.url = url;
    this.origin = SocketAddress.inetSocketAddress(port(url), url.getHost());
    this.apiKey = apiKey.map(SecretValue::revealUtf8).orElse(null);
    if (this.apiKey != null && !visibleAscii(this.apiKey)) {
      throw new IllegalArgumentException("runtime API key must be non-empty visible ASCII");
    }
  }

  public URI url() {
    return url;
  }

  public SocketAddress origin() {
    return origin;
  }

  public boolean isTls() {
    return "https".equals(url.getScheme());
  }

  /** The value of {@code X-API-KEY}, or empty when the runtime takes none. */
  public Optional<String> apiKey() {
    return Optional.ofNullable(apiKey);
  }

  private static int port(URI url) {
    if (url.getPort() != -1) {
      return url.getPort();
    }
    return "https".equals(url.getScheme()) ? 443 : 80;
  }

  private static boolean visibleAscii(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "RuntimeTarget[" + url + ", key=" + (apiKey == null ? "none" : "set") + "]";
  }
}
