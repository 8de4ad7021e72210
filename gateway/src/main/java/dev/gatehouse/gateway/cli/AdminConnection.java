package dev.gatehouse.gateway.cli;

import dev.gatehouse.gateway.Main;
import dev.gatehouse.gateway.config.ConfigException;
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
 * Options and HTTP calls shared by the admin-API commands ({@code workspace}, {@code token}, ...).
 * Where the node is comes from the same configuration {@code serve} reads ({@link AdminTarget}),
 * unless both {@code --admin-url} and {@code --token-file} are given. The admin token is read
 * from a file, never from a flag, so it stays out of shell histories and process listings; it is
 * never printed.
 */
final class AdminConnection {

  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Option(names = "--admin-url", paramLabel = "URL",
      description = "Admin API base URL (default: http://HOST:PORT of admin.listen in the configuration, "
          + "http://127.0.0.1:8081 unless set).")
  String adminUrl;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding an admin token (default: <dataDir>/admin-token of the configuration, "
          + ".gatehouse/admin-token unless set; written by `gatehouse serve`). A relative path is read from the "
          + "working directory.")
  Path tokenFile;

  @Option(names = "--config", paramLabel = "FILE",
      description = "The node's YAML configuration, read for admin.listen and dataDir as `serve` reads it "
          + "(default: ./gatehouse.yaml when present, then GATEHOUSE_* variables).")
  Path config;

  /** The admin API's answer to one request, or (response null) the exit code of a failure already reported. */
  record Answer(HttpResponse<String> response, int exit) {

    boolean succeeded() {
      return response != null && response.statusCode() / 100 == 2;
    }
  }

  private HttpClient client;

  /**
   * Sends one request and returns the answer, whatever its status. A missing token file, a bad
   * URL or an unreachable API is reported on {@code err} and returned as an exit code.
   */
  Answer send(String method, String path, JsonObject body, Duration timeout, PrintWriter err) {
    AdminTarget target;
    try {
      target = AdminTarget.resolve(adminUrl, tokenFile, config, System.getenv());
    } catch (ConfigException e) {
      err.println("gatehouse: invalid configuration: " + e.getMessage());
      return new Answer(null, Main.EXIT_USAGE);
    }
    String token;
    try {
      token = Files.readString(target.tokenFile()).strip();
    } catch (IOException e) {
      err.println("gatehouse: cannot read the admin token file " + target.tokenFile());
      return new Answer(null, Main.EXIT_USAGE);
    }
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(target.url().replaceAll("/+$", "") + "/admin/v1" + path))
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
      err.println("gatehouse: cannot reach the admin API at " + target.url());
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

  private static String errorKey(String body) {
    try {
      String key = new JsonObject(body).getString("error");
      return key == null ? "unknown" : key;
    } catch (DecodeException | ClassCastException e) {
      return "unknown";
    }
  }
}
