package dev.gatehouse.gateway.egress;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** An agent's side of the egress listener in tests: provider API calls with a credential. */
final class EgressClient {

  private final HttpClient http = HttpClient.newHttpClient();
  private final String baseUrl;

  /** {@code port}: the egress listener's. */
  EgressClient(int port) {
    this.baseUrl = "http://127.0.0.1:" + port;
  }

  /** An OpenAI-style call ({@code Authorization: Bearer}); GET when {@code body} is null. */
  HttpResponse<String> openAi(String path, String credential, JsonObject body) throws Exception {
    return http.send(request(path, body).header("Authorization", "Bearer " + credential).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** An Anthropic-style call ({@code x-api-key}). */
  HttpResponse<String> anthropic(String credential, JsonObject body) throws Exception {
    return http.send(request("/v1/messages", body).header("x-api-key", credential)
        .header("anthropic-version", "2023-06-01").build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An OpenAI-style call whose answer is read as it arrives. */
  HttpResponse<InputStream> openAiStream(String path, String credential, JsonObject body) throws Exception {
    return http.send(request(path, body).header("Authorization", "Bearer " + credential).build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  static BufferedReader lines(HttpResponse<InputStream> response) {
    return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
  }

  private HttpRequest.Builder request(String path, JsonObject body) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(20));
    return body == null ? builder.GET()
        : builder.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
  }
}
