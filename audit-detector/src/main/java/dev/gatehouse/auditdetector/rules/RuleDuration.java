package dev.gatehouse.auditdetector.rules;

import java.time.Duration;

/** Durations in rule files: a positive integer and a unit, {@code 30s}, {@code 5m}, {@code 1h}, {@code 14d}. */
final class RuleDuration {

  private RuleDuration() {
  }

  static Duration parse(String text) {
    long amount = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      case 'd' -> Duration.ofDays(amount);
      default -> throw new IllegalArgumentException("unknown duration unit in " + text);
    };
  }
}
