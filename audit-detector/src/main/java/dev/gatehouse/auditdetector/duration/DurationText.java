package dev.gatehouse.auditdetector.duration;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of Gatehouse, used by the configuration, the admin API, the CLI's
 * options and the detector's rule files alike. A duration is either a whole number and one unit,
 * {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 250ms 90s 15m 1h 7d}), or an
 * ISO-8601 duration ({@code PT15M}, {@code P1DT12H}). It must be greater than zero; a caller
 * with a bound (a token's maximum lifetime, a block's longest period) checks it itself. It lives
 * in this module because it is the lowest one that reads durations; the gateway depends on it.
 */
public final class DurationText {

  /** What an error says a duration looks like; never the rejected text itself. */
  public static final String FORMS = "a whole number and a unit (ms, s, m, h, d) such as 250ms, 90s, 15m, 1h or 7d,"
      + " or ISO-8601 such as PT15M";

  private static final Pattern UNIT_FORM = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

  private DurationText() {}

  /**
   * @throws IllegalArgumentException whose message names the accepted forms (never the text)
   */
  public static Duration parse(String text) {
    Duration duration = read(text == null ? "" : text.strip())
        .orElseThrow(() -> new IllegalArgumentException("must be a duration: " + FORMS));
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("must be a duration greater than zero");
    }
    return duration;
  }

  /** The duration, or empty if {@code value} is not a string in the grammar above or not positive. */
  public static Optional<Duration> of(Object value) {
    if (!(value instanceof String text)) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<Duration> read(String text) {
    Matcher m = UNIT_FORM.matcher(text);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      return Optional.of(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      });
    }
    if (text.matches("[+-]?[Pp].*")) {
      try {
        return Optional.of(Duration.parse(text));
      } catch (DateTimeParseException | ArithmeticException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
