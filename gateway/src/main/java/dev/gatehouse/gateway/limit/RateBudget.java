package dev.gatehouse.gateway.limit;

import java.time.Duration;

/**
 * A token-bucket budget: up to {@code burst} requests at once, then one more every
 * {@code interval}. An idle key earns its burst back after {@code burst × interval}.
 *
 * @throws IllegalArgumentException if {@code burst} is not positive or {@code interval} is not
 *     positive and below one day
 */
public record RateBudget(int burst, Duration interval) {

  /** Longest refill interval accepted; keeps {@code burst × interval} in nanoseconds far from overflow. */
  static final Duration MAX_INTERVAL = Duration.ofDays(1);

  public RateBudget {
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1");
    }
    if (interval == null || interval.isNegative() || interval.isZero() || interval.compareTo(MAX_INTERVAL) > 0) {
      throw new IllegalArgumentException("interval must be positive and at most one day");
    }
  }

  long intervalNanos() {
    return interval.toNanos();
  }

  /** How far ahead of now a key's schedule may run: the whole burst. */
  long toleranceNanos() {
    return burst * interval.toNanos();
  }
}
