package dev.gatehouse.gateway.limit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Token-bucket rate limiting per key (a token id, a client address key), implemented as the
 * generic cell rate algorithm: each key stores one number, the time at which its bucket will be
 * full again, so a check is a few arithmetic operations under a lock.
 *
 * <h3>Guarantees</h3>
 * <ul>
 *   <li>A key gets at most {@code burst} requests at once and then one per {@code interval}; a
 *       refusal names the whole seconds (at least 1) after which the same key is allowed again.</li>
 *   <li>Memory is bounded: at most {@code maxKeys} keys are tracked. When full, the least recently
 *       used key is forgotten. Forgetting an idle key loses nothing (its bucket had refilled); a
 *       key can only lose a partly drained bucket after {@code maxKeys} other keys were used since
 *       its last request, which needs that many distinct tokens or address blocks.</li>
 *   <li>Thread-safe: keys are spread over {@value #SHARDS} independently locked shards, so event
 *       loops rarely contend. No call blocks on I/O and nothing is scheduled in the background.</li>
 * </ul>
 *
 * The limiter is local to this node; with several nodes each enforces its own budget.
 */
public final class RateLimiter {

  static final int SHARDS = 16;

  /** Read once per call, so a {@link #retune} never mixes two budgets in one decision. */
  private volatile RateBudget budget;
  private final LongSupplier nanoClock;
  private final Shard[] shards = new Shard[SHARDS];

  /** A limiter on the system clock tracking at most {@link Limits#MAX_TRACKED_KEYS} keys. */
  public RateLimiter(RateBudget budget) {
    this(budget, Limits.MAX_TRACKED_KEYS, System::nanoTime);
  }

  /**
   * @param maxKeys most keys tracked at once, at least {@value #SHARDS}
   * @param nanoClock a monotonic clock in nanoseconds, such as {@code System::nanoTime}
   */
  public RateLimiter(RateBudget budget, int maxKeys, LongSupplier nanoClock) {
    if (maxKeys < SHARDS) {
      throw new IllegalArgumentException("maxKeys must be at least " + SHARDS);
    }
    this.budget = budget;
    this.nanoClock = nanoClock;
    for (int i = 0; i < SHARDS; i++) {
      shards[i] = new Shard(maxKeys / SHARDS);
    }
  }

  /**
   * Applies {@code next} from the next call on (a configuration reload). Each key keeps its
   * schedule: a key that spent its burst under the old budget is not handed a fresh one.
   */
  public void retune(RateBudget next) {
    this.budget = next;
  }

  /** The budget in force. */
  public RateBudget budget() {
    return budget;
  }

  /** Takes one request from {@code key}'s bucket if it has one; otherwise leaves it unchanged. */
  public RateDecision acquire(String key) {
    RateBudget current = budget;
    long now = nanoClock.getAsLong();
    Shard shard = shardOf(key);
    synchronized (shard) {
      Bucket bucket = shard.get(key);
      long next = nextFullAt(bucket, now, current);
      long wait = next - current.toleranceNanos() - now;
      if (wait > 0) {
        return RateDecision.retryAfterNanos(wait);
      }
      if (bucket == null) {
        shard.put(key, new Bucket(next));
      } else {
        bucket.fullAt = next;
      }
      return RateDecision.ALLOWED;
    }
  }

  /**
   * Whether {@link #acquire} would allow {@code key} now, without taking anything or starting to
   * track the key. Used to refuse early for a budget that is only charged on failure (failed
   * authentication).
   */
  public RateDecision peek(String key) {
    RateBudget current = budget;
    long now = nanoClock.getAsLong();
    Shard shard = shardOf(key);
    synchronized (shard) {
      long wait = nextFullAt(shard.get(key), now, current) - current.toleranceNanos() - now;
      return wait > 0 ? RateDecision.retryAfterNanos(wait) : RateDecision.ALLOWED;
    }
  }

  /** Number of keys currently tracked. */
  public int trackedKeys() {
    int total = 0;
    for (Shard shard : shards) {
      synchronized (shard) {
        total += shard.size();
      }
    }
    return total;
  }

  /** When the bucket would be full again after one more request; comparisons survive clock wrap. */
  private static long nextFullAt(Bucket bucket, long now, RateBudget budget) {
    long fullAt = bucket == null || bucket.fullAt - now < 0 ? now : bucket.fullAt;
    return fullAt + budget.intervalNanos();
  }

  private Shard shardOf(String key) {
    int h = key.hashCode();
    return shards[(h ^ (h >>> 16)) & (SHARDS - 1)];
  }

  private static final class Bucket {
    long fullAt;

    Bucket(long fullAt) {
      this.fullAt = fullAt;
    }
  }

  /** Access-ordered map that drops its least recently used key beyond its capacity. */
  private static final class Shard extends LinkedHashMap<String, Bucket> {

    private static final long serialVersionUID = 1L;
    private final int capacity;

    Shard(int capacity) {
      super(16, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
      return size() > capacity;
    }
  }
}
