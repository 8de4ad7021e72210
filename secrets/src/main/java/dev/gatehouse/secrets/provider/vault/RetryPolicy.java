package dev.gatehouse.secrets.provider.vault;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Retry rules for Vault calls: only connection errors, 412, 429 and 5xx are retried, with
 * exponential backoff and jitter; a 400 or 403 is final; an interrupt stops the loop at once.
 *
 * <p>The delay before retry {@code n} (1-based) is drawn uniformly from {@code [d/2, d]} with
 * {@code d = min(maxDelay, baseDelay × 2^(n-1))}.
 *
 * @param maxAttempts total attempts including the first (at least 1)
 * @param baseDelay   delay scale of the first retry
 * @param maxDelay    cap on any single delay
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    /** 4 attempts, 200 ms doubling, capped at 3 s: at most about 1.4 s of waiting in total. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(3));

    public RetryPolicy {
        if (maxAttempts < 1 || baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("retry policy needs maxAttempts >= 1 and 0 <= baseDelay <= maxDelay");
        }
    }

    /** Whether an HTTP status may be retried (412, 429, 5xx). Connection errors are always retryable. */
    public static boolean isRetryableStatus(int status) {
        return status == 412 || status == 429 || (status >= 500 && status <= 599);
    }

    /** Delay before retry {@code retry} (1 = first retry). */
    public Duration delayBeforeRetry(int retry, RandomGenerator random) {
        long ceiling = baseDelay.toMillis() << Math.min(retry - 1, 20);
        long bound = Math.min(maxDelay.toMillis(), ceiling);
        long half = bound / 2;
        return Duration.ofMillis(half + (bound - half == 0 ? 0 : random.nextLong(bound - half + 1)));
    }
}
