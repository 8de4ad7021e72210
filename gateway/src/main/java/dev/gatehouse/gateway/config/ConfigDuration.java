package dev.gatehouse.gateway.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations in configuration are written as a whole number and a unit: {@code 250ms 5s 2m 1h}. */
final class ConfigDuration {

  private static final Pattern FORMAT = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

  private ConfigDuration() {}

  /** @throws IllegalArgumentException naming the problem (never echoing the text) */
  static Duration parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("must be a duration such as 250ms, 5s, 2m or 1h");
    }
    long amount = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
    if (d.isZero()) {
      throw new IllegalArgumentException("must be greater than zero");
    }
    return d;
  }
}
