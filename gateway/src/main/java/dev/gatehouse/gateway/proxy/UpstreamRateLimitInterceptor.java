package dev.gatehouse.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;

/**
 * A 429 from the runtime reaches the client as it is, never retried, and always with a
 * {@code Retry-After} in whole seconds: the runtime's own when it is a number of seconds,
 * otherwise its {@code RateLimit-Reset} (draft IETF rate-limit headers, as elizaOS sends them),
 * otherwise {@link #DEFAULT_RETRY_AFTER_SECONDS}. A client that honours {@code Retry-After} then
 * backs off instead of hammering a runtime whose budget is spent.
 */
final class UpstreamRateLimitInterceptor implements ProxyInterceptor {

  static final int TOO_MANY_REQUESTS = 429;
  /** Used when the runtime's 429 says nothing about when to retry: 60 seconds. */
  static final long DEFAULT_RETRY_AFTER_SECONDS = 60;
  /** Longest wait passed on: one day (elizaOS windows are 15 minutes). */
  static final long MAX_RETRY_AFTER_SECONDS = 86_400;

  @Override
  public Future<Void> handleProxyResponse(ProxyContext context) {
    if (context.response().getStatusCode() == TOO_MANY_REQUESTS) {
      MultiMap headers = context.response().headers();
      headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(headers)));
    }
    return context.sendResponse();
  }

  static long retryAfterSeconds(MultiMap headers) {
    long seconds = seconds(headers.get(HttpHeaders.RETRY_AFTER));
    if (seconds < 0) {
      seconds = seconds(headers.get("RateLimit-Reset"));
    }
    if (seconds < 0) {
      return DEFAULT_RETRY_AFTER_SECONDS;
    }
    return Math.min(Math.max(seconds, 1), MAX_RETRY_AFTER_SECONDS);
  }

  /** Delta-seconds, or -1 when absent or anything else (an HTTP date is replaced). */
  private static long seconds(String value) {
    if (value == null || value.isEmpty() || value.length() > 10) {
      return -1;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(value);
  }
}
