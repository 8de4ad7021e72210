package dev.gatehouse.gateway.testsupport;

import dev.gatehouse.gateway.server.Gateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/**
 * Drives a test gateway's admin API with the bootstrap token: workspaces, tokens, keys and
 * issuers. {@link #post} insists on a 2xx answer; {@link #send} and {@link #get} return whatever
 * the API answered, for tests that assert refusals.
 */
public final class AdminClient {

  private final HttpClient http = HttpClient.newHttpClient();
  private final Gateway gateway;
  private final String fixedUrl;
  private final String adminToken;

  public AdminClient(Gateway gateway) throws Exception {
    this.gateway = gateway;
    this.fixedUrl = null;
    this.adminToken = Files.readString(gateway.config().dataDir().resolve("admin-token")).trim();
  }

  /** A client for {@code gateway}'s admin API using the bootstrap token another node wrote. */
  public AdminClient(Gateway gateway, String adminToken) {
    this.gateway = gateway;
    this.fixedUrl = null;
    this.adminToken = adminToken;
  }

  /** A client for the admin API at {@code url} (a gateway running in another process). */
  public AdminClient(String url, String adminToken) {
    this.gateway = null;
    this.fixedUrl = url;
    this.adminToken = adminToken;
  }

  /** The bootstrap admin credential, for requests the test builds itself. */
  public String bootstrapToken() {
    return adminToken;
  }

  /** {@code http://127.0.0.1:<admin port>}. */
  public String url() {
    return gateway == null ? fixedUrl : "http://127.0.0.1:" + gateway.adminPort();
  }

  public String createWorkspace(String name) throws Exception {
    return post("/admin/v1/workspaces", new JsonObject().put("name", name)).getString("id");
  }

  /** Mints a token for a new subject of the workspace with exactly these scopes. */
  public String mint(String workspace, String subject, List<String> scopes) throws Exception {
    return post("/admin/v1/tokens", new JsonObject()
        .put("workspace", workspace)
        .put("subject", subject)
        .put("scopes", new JsonArray(scopes))
        .put("ttl", "1h")).getString("token");
  }

  /** Mints a token with a chosen TTL and returns the whole answer (token, jti, scopes...). */
  public JsonObject mint(String workspace, String subject, List<String> scopes, String ttl) throws Exception {
    return post("/admin/v1/tokens", new JsonObject()
        .put("workspace", workspace)
        .put("subject", subject)
        .put("scopes", new JsonArray(scopes))
        .put("ttl", ttl));
  }

  /** POSTs {@code body} and fails the test unless the answer is 2xx; returns the answer's JSON. */
  public JsonObject post(String path, JsonObject body) throws Exception {
    HttpResponse<String> response = send(path, body);
    if (response.statusCode() / 100 != 2) {
      throw new AssertionError("admin " + path + " answered " + response.statusCode());
    }
    return new JsonObject(response.body());
  }

  /** POSTs {@code body} (none when null) and returns the answer as it is. */
  public HttpResponse<String> send(String path, JsonObject body) throws Exception {
    return http.send(request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body.encode())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** PUTs {@code body} and returns the answer as it is. */
  public HttpResponse<String> put(String path, JsonObject body) throws Exception {
    return http.send(request(path)
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** DELETEs {@code path} and returns the answer as it is. */
  public HttpResponse<String> delete(String path) throws Exception {
    return http.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GETs {@code path} and returns the answer as it is. */
  public HttpResponse<String> get(String path) throws Exception {
    return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url() + path))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + adminToken);
  }
}
