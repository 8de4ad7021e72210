package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.gateway.tier.RemotePlacements;
import dev.gatehouse.gateway.workspace.Workspace;
import dev.gatehouse.gateway.workspace.WorkspaceStore;
import dev.gatehouse.secrets.SecretValue;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /admin/v1/workspaces/{id}/runtime}: where a workspace's runtime runs. {@code GET}
 * answers {@code {"workspace", "placement": "remote", "url"}} or {@code "placement": "local"};
 * {@code PUT {"url", "apiKey"}} places it on a runtime the operator runs (effective on every node
 * without restart; 400 {@code invalid_url} or {@code invalid_api_key}, 404 for an unknown
 * workspace, 409 {@code workspace_deleted}); {@code DELETE} sends it back to the gateway's own
 * runtime tier (200 with the local placement, 404 if it was not placed). The key is never
 * answered or logged.
 */
public final class PlacementRoutes implements AdminRoutes {

  static final String PATH = WorkspaceRoutes.PATH + "/:id/runtime";
  /** Longest runtime key accepted. */
  static final int MAX_KEY_LENGTH = 1024;

  private final WorkspaceStore workspaces;
  private final RemotePlacements placements;

  public PlacementRoutes(WorkspaceStore workspaces, RemotePlacements placements) {
    this.workspaces = workspaces;
    this.placements = placements;
  }

  @Override
  public void mount(Router router) {
    router.get(PATH).handler(this::get);
    router.put(PATH).handler(this::put);
    router.delete(PATH).handler(this::delete);
  }

  private void get(RoutingContext ctx) {
    withWorkspace(ctx, workspace -> AdminReplies.json(ctx, 200, describe(workspace.id(), placements.placement(
        workspace.id().toString()))));
  }

  private void put(RoutingContext ctx) {
    JsonObject body = AdminReplies.body(ctx).orElse(new JsonObject());
    Optional<URI> url = RemotePlacements.parseUrl(body.getValue("url") instanceof String text ? text : null);
    if (url.isEmpty()) {
      AdminReplies.refuse(ctx, 400, "invalid_url");
      return;
    }
    if (!(body.getValue("apiKey") instanceof String key) || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      AdminReplies.refuse(ctx, 400, "invalid_api_key");
      return;
    }
    withWorkspace(ctx, workspace -> {
      if (workspace.deleted()) {
        AdminReplies.refuse(ctx, 409, "workspace_deleted");
        return;
      }
      SecretValue apiKey = SecretValue.ofUtf8(key);
      placements.place(workspace.id(), url.get(), apiKey)
          .onComplete(placed -> {
            apiKey.close();
            if (placed.succeeded()) {
              AdminReplies.json(ctx, 200, describe(workspace.id(), url));
            } else if (placed.cause() instanceof IllegalArgumentException) {
              AdminReplies.refuse(ctx, 400, "invalid_api_key");
            } else {
              AdminReplies.unavailable(ctx, placed.cause());
            }
          });
    });
  }

  private void delete(RoutingContext ctx) {
    withWorkspace(ctx, workspace -> placements.remove(workspace.id()).onComplete(removed -> {
      if (removed.failed()) {
        AdminReplies.unavailable(ctx, removed.cause());
      } else if (!removed.result()) {
        AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      } else {
        AdminReplies.json(ctx, 200, describe(workspace.id(), Optional.empty()));
      }
    }));
  }

  /** Runs {@code then} with the path's workspace; 404 if there is none, 503 if the lookup failed. */
  private void withWorkspace(RoutingContext ctx, java.util.function.Consumer<Workspace> then) {
    Optional<UUID> id = AdminReplies.uuid(ctx.pathParam("id"));
    Future<Optional<Workspace>> found = id.isEmpty() ? Future.succeededFuture(Optional.empty())
        : workspaces.get(id.get());
    found.onComplete(lookup -> {
      if (lookup.failed()) {
        AdminReplies.unavailable(ctx, lookup.cause());
      } else if (lookup.result().isEmpty()) {
        AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      } else {
        then.accept(lookup.result().get());
      }
    });
  }

  private static JsonObject describe(UUID workspace, Optional<URI> url) {
    JsonObject answer = new JsonObject().put("workspace", workspace.toString())
        .put("placement", url.isPresent() ? "remote" : "local");
    url.ifPresent(u -> answer.put("url", u.toString()));
    return answer;
  }
}
