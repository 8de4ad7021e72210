package dev.gatehouse.gateway.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  /** Starts near the wrap-around of System.nanoTime's range on purpose. */
  final AtomicLong now = new AtomicLong(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos());
  final RateLimiter limiter = new RateLimiter(new RateBudget(3, Duration.ofSeconds(2)), 1_000, now::get);

  void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void a_burst_is_allowed_then_refused_with_retry_after() {
    for (int i = 0; i < 3; i++) {
      assertEquals(RateDecision.ALLOWED, limiter.acquire("t1"), "request " + i);
    }
    RateDecision refused = limiter.acquire("t1");
    assertFalse(refused.allowed());
    assertEquals(2, refused.retryAfterSeconds());
  }

  @Test
  void retry_after_counts_down_and_rounds_up() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("t1");
    }
    advance(Duration.ofMillis(500));
    assertEquals(2, limiter.acquire("t1").retryAfterSeconds());
    advance(Duration.ofMillis(1_000));
    assertEquals(1, limiter.acquire("t1").retryAfterSeconds());
  }

  @Test
  void refused_requests_do_not_drain_the_bucket_further() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("t1");
    }
    for (int i = 0; i < 50; i++) {
      limiter.acquire("t1");
    }
    advance(Duration.ofSeconds(2));
    assertTrue(limiter.acquire("t1").allowed());
  }

  @Test
  void tokens_refill_one_per_interval() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("t1");
    }
    advance(Duration.ofSeconds(2));
    assertTrue(limiter.acquire("t1").allowed());
    assertFalse(limiter.acquire("t1").allowed());
    advance(Duration.ofSeconds(6));
    for (int i = 0; i < 3; i++) {
      assertTrue(limiter.acquire("t1").allowed(), "refilled request " + i);
    }
    assertFalse(limiter.acquire("t1").allowed());
  }

  @Test
  void an_idle_key_never_saves_more_than_its_burst() {
    limiter.acquire("t1");
    advance(Duration.ofHours(1));
    for (int i = 0; i < 3; i++) {
      assertTrue(limiter.acquire("t1").allowed());
    }
    assertFalse(limiter.acquire("t1").allowed());
  }

  @Test
  void keys_have_independent_budgets() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("t1");
    }
    assertFalse(limiter.acquire("t1").allowed());
    assertTrue(limiter.acquire("t2").allowed());
  }

  @Test
  void peek_neither_consumes_nor_tracks() {
    assertTrue(limiter.peek("fresh").allowed());
    assertEquals(0, limiter.trackedKeys());
    for (int i = 0; i < 3; i++) {
      limiter.acquire("t1");
    }
    RateDecision peeked = limiter.peek("t1");
    assertFalse(peeked.allowed());
    assertEquals(2, peeked.retryAfterSeconds());
    advance(Duration.ofSeconds(2));
    assertTrue(limiter.peek("t1").allowed());
    assertTrue(limiter.acquire("t1").allowed());
  }

  @Test
  void memory_stays_bounded_under_many_distinct_keys() {
    for (int i = 0; i < 200_000; i++) {
      limiter.acquire("address-" + i);
    }
    int tracked = limiter.trackedKeys();
    assertTrue(tracked <= 1_000, "tracked " + tracked);
    assertTrue(tracked >= 900, "tracked " + tracked);
  }

  @Test
  void a_recently_used_key_survives_a_flood_of_other_keys() {
    RateLimiter small = new RateLimiter(new RateBudget(1, Duration.ofMinutes(1)), 160, now::get);
    assertTrue(small.acquire("victim").allowed());
    for (int i = 0; i < 5; i++) {
      small.acquire("other-" + i);
    }
    assertFalse(small.acquire("victim").allowed(), "still tracked, still limited");
  }

  @Test
  void invalid_budgets_and_sizes_are_refused() {
    assertThrows(IllegalArgumentException.class, () -> new RateBudget(0, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new RateBudget(1, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new RateBudget(1, Duration.ofDays(2)));
    assertThrows(IllegalArgumentException.class, () -> new RateLimiter(Limits.PER_TOKEN, 15, now::get));
  }

  @Test
  void documented_failed_authentication_budget_is_ten_per_minute() {
    RateLimiter failed = new RateLimiter(Limits.FAILED_AUTHENTICATION, 1_000, now::get);
    for (int i = 0; i < 10; i++) {
      assertTrue(failed.acquire("203.0.113.9").allowed());
    }
    RateDecision refused = failed.acquire("203.0.113.9");
    assertEquals(6, refused.retryAfterSeconds());
    advance(Duration.ofMinutes(1));
    for (int i = 0; i < 10; i++) {
      assertTrue(failed.acquire("203.0.113.9").allowed());
    }
    assertFalse(failed.acquire("203.0.113.9").allowed());
  }
}
