package dev.gatehouse.gateway.authn;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP/1.1 calls for tests: bearer GETs and JSON POSTs. */
public final class TestHttp {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private TestHttp() {}

  public static HttpResponse<String> get(String url, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  public static HttpResponse<String> post(String url, String bearer, JsonObject body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
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
