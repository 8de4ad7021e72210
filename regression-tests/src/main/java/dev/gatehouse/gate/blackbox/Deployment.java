package dev.gatehouse.gate.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The deployment under test, over HTTP only: its main listener and its admin plane, reached with
 * the admin token. The admin token is only ever placed in an Authorization header to the admin
 * URL; it is never printed.
 */
public final class Deployment {

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final ObjectMapper JSON = new ObjectMapper();

  private final URI main;
  private final URI admin;
  private final String adminToken;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(TIMEOUT).build();

  public Deployment(URI main, URI admin, String adminToken) {
    this.main = strip(main);
    this.admin = strip(admin);
    this.adminToken = adminToken;
  }

  URI main() {
    return main;
  }

  URI admin() {
    return admin;
  }

  /** A request to the main listener: {@code pathAndQuery} starts with {@code /}. */
  Reply get(String pathAndQuery, Map<String, String> headers) throws IOException, InterruptedException {
    return get(pathAndQuery, headers, TIMEOUT);
  }

  /** As {@link #get(String, Map)}, waiting up to {@code timeout} for the answer. */
  Reply get(String pathAndQuery, Map<String, String> headers, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(main + pathAndQuery)).timeout(timeout).GET();
    headers.forEach(request::header);
    return send(request.build());
  }

  /** Many GETs to the main listener at once, each with its own headers; answers in request order. */
  List<Reply> getAll(String pathAndQuery, List<Map<String, String>> headers) {
    List<CompletableFuture<Reply>> pending = new ArrayList<>();
    for (Map<String, String> h : headers) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(main + pathAndQuery)).timeout(TIMEOUT).GET();
      h.forEach(request::header);
      long start = System.nanoTime();
      pending.add(http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> new Reply(
          r.statusCode(), r.headers(), r.body(), Duration.ofNanos(System.nanoTime() - start))));
    }
    return pending.stream().map(CompletableFuture::join).toList();
  }

  /** A request to the admin plane with any headers (none of them the admin token unless given). */
  Reply adminGet(String pathAndQuery, Map<String, String> headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(admin + pathAndQuery)).timeout(TIMEOUT).GET();
    headers.forEach(request::header);
    return send(request.build());
  }

  /** GET on the admin plane with the admin token; fails unless 2xx. */
  JsonNode adminGet(String pathAndQuery) throws IOException, InterruptedException {
    return expectOk("GET " + pathAndQuery, send(HttpRequest.newBuilder(URI.create(admin + pathAndQuery))
        .timeout(TIMEOUT).header("Authorization", "Bearer " + adminToken).GET().build()));
  }

  /** POST on the admin plane with the admin token; fails unless 2xx. */
  JsonNode adminPost(String path, Object body) throws IOException, InterruptedException {
    return expectOk("POST " + path, adminPostReply(path, body));
  }

  /** POST on the admin plane with the admin token, whatever the answer. */
  Reply adminPostReply(String path, Object body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(admin + path)).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
  }

  private Reply send(HttpRequest request) throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.headers(), response.body(),
        Duration.ofNanos(System.nanoTime() - start));
  }

  private static JsonNode expectOk(String what, Reply reply) throws IOException {
    if (!reply.ok()) {
      throw new IOException("admin " + what + " answered " + reply.status());
    }
    return JSON.readTree(reply.body());
  }

  private static URI strip(URI uri) {
    String s = uri.toString();
    return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }
}
