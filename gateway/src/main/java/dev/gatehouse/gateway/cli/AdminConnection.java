package dev.gatehouse.gateway.cli;

import dev.gatehouse.gateway.Main;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Options and HTTP calls shared by the admin-API commands ({@code workspace}, {@code token}). The
 * admin token is read from a file, never from a flag, so it stays out of shell histories and
 * process listings; it is never printed.
 */
final class AdminConnection {

  static final String DEFAULT_ADMIN_URL = "http://127.0.0.1:8081";
  static final String DEFAULT_TOKEN_FILE = ".gatehouse/admin-token";
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Option(names = "--admin-url", paramLabel = "URL", defaultValue = DEFAULT_ADMIN_URL,
      description = "Admin API base URL (default: ${DEFAULT-VALUE}).")
  String adminUrl;

  @Option(names = "--token-file", paramLabel = "FILE", defaultValue = DEFAULT_TOKEN_FILE,
      description = "File holding an admin token (default: ${DEFAULT-VALUE}, written by `gatehouse serve`).")
  Path tokenFile;

  /** The admin API's answer to one request, or (response null) the exit code of a failure already reported. */
  record Answer(HttpResponse<String> response, int exit) {

    boolean succeeded() {
      return response != null && response.statusCode() / 100 == 2;
    }
  }

  private HttpClient client;

  /**
   * Sends one request and prints the JSON answer to {@code out}; an error answer goes to
   * {@code err} as one line. Returns the exit code: 0, 1 (refused or unreachable), 2 (no token file).
   */
  int call(String method, String path, JsonObject body, PrintWriter out, PrintWriter err) {
    Answer answer = send(method, path, body, TIMEOUT, err);
    if (answer.response() == null) {
      return answer.exit();
    }
    if (answer.succeeded()) {
      out.println(pretty(answer.response().body()));
      out.flush();
      return 0;
    }
    return refused(answer.response(), err);
  }

  /**
   * Sends one request and returns the answer, whatever its status. A missing token file, a bad
   * URL or an unreachable API is reported on {@code err} and returned as an exit code.
   */
  Answer send(String method, String path, JsonObject body, Duration timeout, PrintWriter err) {
    String token;
    try {
      token = Files.readString(tokenFile).strip();
    } catch (IOException e) {
      err.println("gatehouse: cannot read the admin token file " + tokenFile);
      return new Answer(null, Main.EXIT_USAGE);
    }
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(adminUrl.replaceAll("/+$", "") + "/admin/v1" + path))
          .timeout(timeout)
          .header("Authorization", "Bearer " + token)
          .header("Accept", "application/json");
    } catch (IllegalArgumentException e) {
      err.println("gatehouse: --admin-url is not a valid URL");
      return new Answer(null, Main.EXIT_USAGE);
    }
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (client == null) {
      client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }
    try {
      return new Answer(client.send(request.build(), HttpResponse.BodyHandlers.ofString()), 0);
    } catch (IOException e) {
      err.println("gatehouse: cannot reach the admin API at " + adminUrl);
      return new Answer(null, Main.EXIT_FAILED);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(null, Main.EXIT_FAILED);
    }
  }

  /** Reports a non-2xx answer on {@code err} as one line and returns exit code 1. */
  static int refused(HttpResponse<String> response, PrintWriter err) {
    err.println("gatehouse: the admin API refused the request: " + errorKey(response.body())
        + " (HTTP " + response.statusCode() + ")");
    return Main.EXIT_FAILED;
  }

  private static String pretty(String body) {
    try {
      return new JsonObject(body).encodePrettily();
    } catch (DecodeException e) {
      return body;
    }
  }

  private static String errorKey(String body) {
    try {
      String key = new JsonObject(body).getString("error");
      return key == null ? "unknown" : key;
    } catch (DecodeException | ClassCastException e) {
      return "unknown";
    }
  }
}
