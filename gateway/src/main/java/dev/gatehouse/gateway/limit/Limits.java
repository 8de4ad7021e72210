package dev.gatehouse.gateway.limit;

import java.time.Duration;

/**
 * Every size cap and rate budget of the main listener, with its documented default. The caps are
 * applied where the request is parsed (listener options, body handling, token parsing); the
 * budgets are {@link RateBudget}s for {@link RateLimiter}s. A request over a cap is refused before
 * any work proportional to its size is done.
 */
public final class Limits {

  /**
   * Longest request line ({@code METHOD target HTTP/1.1}), in bytes: 4096 (Vert.x's default).
   * Longer lines are refused with 414 by the HTTP parser, so a huge target never reaches the
   * canonicalizer or the router.
   */
  public static final int MAX_REQUEST_LINE_LENGTH = 4096;

  /**
   * Largest header section, names and values together, in bytes: 8192 (Vert.x's default). Stops
   * header-length overflows and memory exhaustion in the parser (HAProxy CVE-2021-40346 class).
   */
  public static final int MAX_HEADER_SIZE = 8192;

  /**
   * Most header fields one request may carry: 100. Enforced by the canonicalizer (431), so a
   * request cannot make every later stage iterate thousands of tiny headers.
   */
  public static final int MAX_HEADER_COUNT = 100;

  /**
   * Default of {@code server.maxBodySize}, the largest request body the main listener forwards,
   * in bytes: 16 MiB (media uploads fit; the runtime's own JSON limit is 2 MiB). Enforced by
   * {@link BodyLimit}: a declared {@code Content-Length} above it is answered 413 before
   * authentication, a streamed body is cut off as soon as it crosses it.
   */
  public static final long DEFAULT_MAX_BODY_SIZE = 16L * 1024 * 1024;

  /**
   * Longest bearer token, in characters: 8192. Checked before any parsing or signature work, so
   * an oversized token cannot reach the JOSE parser or the crypto (HAProxy 648b0e7be: a 21,830
   * character signature overflowed the ECDSA conversion).
   */
  public static final int MAX_TOKEN_LENGTH = 8192;

  /** Per token: a burst of 100 requests, then one every 20 ms (50 per second sustained). */
  public static final RateBudget PER_TOKEN = new RateBudget(100, Duration.ofMillis(20));

  /**
   * Per workspace, over all its tokens: a burst of 1,000 requests, then one every 10 ms (100 per
   * second). Keeps one workspace from taking the whole runtime: the fair share between tenants of
   * one runtime. Behind the managed elizaOS runtime each workspace also has the runtime's own
   * budget of 1,000 requests per 15 minutes (see {@code mutate.ClientIdentity}).
   */
  public static final RateBudget PER_WORKSPACE = new RateBudget(1000, Duration.ofMillis(10));

  /**
   * Per client address, before authentication: a burst of 200, then one every 10 ms (100 per
   * second). Higher than {@link #PER_TOKEN} because one address may front many users (NAT).
   */
  public static final RateBudget PER_ADDRESS = new RateBudget(200, Duration.ofMillis(10));

  /**
   * Failed authentications per client address: a burst of 10, then one every 6 s (10 per
   * minute). Makes online guessing of tokens, and floods of garbage tokens that each cost a parse,
   * impractical from one address.
   */
  public static final RateBudget FAILED_AUTHENTICATION = new RateBudget(10, Duration.ofSeconds(6));

  /**
   * Most keys one {@link RateLimiter} tracks: 100,000 (a few MiB). Beyond it the least recently
   * used key is forgotten, so memory stays bounded whatever the number of distinct clients.
   */
  public static final int MAX_TRACKED_KEYS = 100_000;

  private Limits() {}
}
