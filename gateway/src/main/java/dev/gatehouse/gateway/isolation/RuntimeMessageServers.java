package dev.gatehouse.gateway.isolation;

import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.mutate.HeaderMutator;
import dev.gatehouse.gateway.ownership.MessageServerProvisioner;
import dev.gatehouse.secrets.SecretValue;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

/**
 * Creates a workspace's message server through the runtime's own API
 * ({@code POST /api/messaging/message-servers}, answered with {@code {"data":{"server":{"id"}}}}),
 * with the runtime key. The server is named after the workspace id only.
 */
public final class RuntimeMessageServers implements MessageServerProvisioner {

  static final String PATH = "/api/messaging/message-servers";

  private final HttpClient client;
  private final SocketAddress origin;
  private final GatewayConfig.Upstream upstream;
  private final String runtimeKey;

  public RuntimeMessageServers(HttpClient client, SocketAddress origin, GatewayConfig.Upstream upstream) {
    this.client = client;
    this.origin = origin;
    this.upstream = upstream;
    this.runtimeKey = upstream.apiKey().map(SecretValue::revealUtf8).orElse(null);
  }

  @Override
  public Future<String> create(String workspaceId) {
    JsonObject body = new JsonObject()
        .put("name", "gatehouse-" + workspaceId)
        .put("sourceType", "gatehouse")
        .put("sourceId", workspaceId);
    RequestOptions options = new RequestOptions()
        .setServer(origin)
        .setSsl(upstream.isTls())
        .setMethod(HttpMethod.POST)
        .setURI(PATH)
        .setConnectTimeout(upstream.connectTimeout().toMillis())
        .setIdleTimeout(upstream.responseTimeout().toMillis())
        .putHeader("Content-Type", "application/json");
    if (runtimeKey != null) {
      options.putHeader(HeaderMutator.RUNTIME_KEY_HEADER, runtimeKey);
    }
    return client.request(options)
        .compose(request -> request.send(body.toBuffer()))
        .compose(response -> response.body().map(answer -> {
          if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("runtime refused to create a message server: status " + response.statusCode());
          }
          String id = new JsonObject(answer).getJsonObject("data", new JsonObject())
              .getJsonObject("server", new JsonObject()).getString("id");
          if (!Uuids.valid(id)) {
            throw new IllegalStateException("runtime created a message server without an id");
          }
          return id;
        }));
  }
}
