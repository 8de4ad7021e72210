package dev.gatehouse.gateway.authn;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plain HTTP/1.1 calls for tests: bearer GETs and JSON POSTs.
 *
 * <p>Every call names a fresh client address in {@code X-Forwarded-For}. A gateway started with
 * {@link #TRUST_LOOPBACK_PROXY} believes it, so each call counts against its own per-address and
 * failed-authentication budgets, and tests that send many refused tokens exercise
 * authentication rather than the address limiter. A gateway without that setting drops the
 * header, and all calls share the loopback address.
 */
public final class TestHttp {

  /** The setting under which a gateway takes the client address from this helper's header. */
  public static final String TRUST_LOOPBACK_PROXY = "server.trustedProxies=127.0.0.1/32";

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger();

  private TestHttp() {}

  /** A client address no earlier call used, from the benchmarking block 198.18.0.0/15. */
  public static String freshClientAddress() {
    int n = NEXT_ADDRESS.incrementAndGet();
    return "198." + (18 + ((n >> 16) & 1)) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
  }

  public static HttpResponse<String> get(String url, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("X-Forwarded-For", freshClientAddress());
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  public static HttpResponse<String> post(String url, String bearer, JsonObject body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("X-Forwarded-For", freshClientAddress())
        .header("Content-Type", "application/json");
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return HTTP.send(request.POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body.encode())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Polls {@code url} with {@code bearer} until it answers {@code status}; returns how long that took. */
  public static Duration awaitStatus(String url, String bearer, int status, Duration limit) throws Exception {
    long start = System.nanoTime();
    while (true) {
      int got = get(url, bearer).statusCode();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (got == status) {
        return took;
      }
      if (took.compareTo(limit) > 0) {
        throw new AssertionError("expected status " + status + " within " + limit + ", last was " + got);
      }
      Thread.sleep(10);
    }
  }
}
