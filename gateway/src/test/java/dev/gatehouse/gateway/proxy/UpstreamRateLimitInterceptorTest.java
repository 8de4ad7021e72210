package dev.gatehouse.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class UpstreamRateLimitInterceptorTest {

  static long retryAfter(String... headers) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headers.length; i += 2) {
      map.add(headers[i], headers[i + 1]);
    }
    return UpstreamRateLimitInterceptor.retryAfterSeconds(map);
  }

  @Test
  void the_runtimes_own_retry_after_in_seconds_is_kept() {
    assertEquals(42, retryAfter("Retry-After", "42", "RateLimit-Reset", "7"));
  }

  @Test
  void without_retry_after_the_rate_limit_reset_is_used() {
    assertEquals(17, retryAfter("RateLimit-Reset", "17"));
    assertEquals(17, retryAfter("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT", "RateLimit-Reset", "17"));
  }

  @Test
  void with_neither_the_default_is_sent() {
    assertEquals(UpstreamRateLimitInterceptor.DEFAULT_RETRY_AFTER_SECONDS, retryAfter());
    assertEquals(UpstreamRateLimitInterceptor.DEFAULT_RETRY_AFTER_SECONDS, retryAfter("Retry-After", "-5"));
  }

  @Test
  void values_are_kept_between_one_second_and_one_day() {
    assertEquals(1, retryAfter("Retry-After", "0"));
    assertEquals(UpstreamRateLimitInterceptor.MAX_RETRY_AFTER_SECONDS, retryAfter("Retry-After", "9999999999"));
  }
}
