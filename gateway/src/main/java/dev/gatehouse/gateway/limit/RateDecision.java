package dev.gatehouse.gateway.limit;

/**
 * The answer of a {@link RateLimiter}: allowed, or refused with the whole number of seconds
 * (at least 1) after which the same request would be allowed, for a {@code Retry-After} header
 * on a 429 answer.
 */
public record RateDecision(boolean allowed, long retryAfterSeconds) {

  /** The one "allowed" instance; the hot path allocates nothing when a request passes. */
  public static final RateDecision ALLOWED = new RateDecision(true, 0);

  /** The stable error key of a refused request (status 429). */
  public static final String REJECTION_KEY = "rate_limited";
  public static final int REJECTION_STATUS = 429;

  public RateDecision {
    if (allowed ? retryAfterSeconds != 0 : retryAfterSeconds < 1) {
      throw new IllegalArgumentException("allowed has no retry-after; refused has one of at least 1 s");
    }
  }

  static RateDecision retryAfterNanos(long nanos) {
    long seconds = Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    return new RateDecision(false, seconds);
  }
}
