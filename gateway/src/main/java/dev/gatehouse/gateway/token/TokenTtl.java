package dev.gatehouse.gateway.token;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A requested token lifetime, written as a whole number and a unit: {@code 90s 15m 1h 7d}. */
public final class TokenTtl {

  private static final Pattern FORMAT = Pattern.compile("([1-9][0-9]{0,6})(s|m|h|d)");

  private TokenTtl() {}

  /** The duration, or empty if {@code text} is not in the format above. */
  public static Optional<Duration> parse(String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text);
    if (!m.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(m.group(1));
    return Optional.of(switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    });
  }
}
