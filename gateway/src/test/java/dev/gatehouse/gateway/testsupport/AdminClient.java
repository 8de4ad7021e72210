package dev.gatehouse.gateway.testsupport;

import dev.gatehouse.gateway.server.Gateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;

/** Drives a test gateway's admin API with its bootstrap token: workspaces and tokens. */
public final class AdminClient {

  private final HttpClient http = HttpClient.newHttpClient();
  private final Gateway gateway;
  private final String adminToken;

  public AdminClient(Gateway gateway) throws Exception {
    this.gateway = gateway;
    this.adminToken = Files.readString(gateway.config().dataDir().resolve("admin-token")).trim();
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

  public JsonObject post(String path, JsonObject body) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.adminPort() + path))
        .header("Authorization", "Bearer " + adminToken)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new AssertionError("admin " + path + " answered " + response.statusCode());
    }
    return new JsonObject(response.body());
  }
}
