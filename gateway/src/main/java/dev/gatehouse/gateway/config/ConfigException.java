package dev.gatehouse.gateway.config;

/**
 * A configuration problem, reported as one line that names the key, the problem and where the
 * value came from. The message never contains the offending value, so a misplaced secret in a
 * config file or environment variable is not echoed to the terminal or a log.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String key;

  public ConfigException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
  }

  /** The dotted configuration key (e.g. {@code upstream.url}), or a file/variable name. */
  public String key() {
    return key;
  }
}
