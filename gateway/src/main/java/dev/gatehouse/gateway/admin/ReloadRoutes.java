package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.reload.NodeReload;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /admin/v1/reload}: this node reads its configuration again and applies the route
 * policy, detection rules and rate budgets ({@link NodeReload}). 200 {@code {"reloaded":true,
 * "routes":N,"rules":M}} when applied; 422 {@code {"error":"invalid_configuration","problem":...}}
 * when a file is bad, naming the key, file and line, with the running settings kept. Each node
 * reloads itself: call every node (or send each one SIGHUP).
 */
public final class ReloadRoutes implements AdminRoutes {

  public static final String PATH = AdminApi.PREFIX + "/reload";

  private final NodeReload reload;

  public ReloadRoutes(NodeReload reload) {
    this.reload = reload;
  }

  @Override
  public void mount(Router router) {
    router.post(PATH).handler(this::reload);
  }

  private void reload(RoutingContext ctx) {
    reload.reload().onComplete(done -> {
      if (done.failed()) {
        AdminReplies.unavailable(ctx, done.cause());
      } else if (done.result() instanceof NodeReload.Outcome.Applied applied) {
        AdminReplies.json(ctx, 200, new JsonObject().put("reloaded", true)
            .put("routes", applied.routes()).put("rules", applied.rules()));
      } else if (done.result() instanceof NodeReload.Outcome.Refused refused) {
        AdminReplies.json(ctx, 422, new JsonObject().put("error", "invalid_configuration")
            .put("problem", refused.problem()));
      }
    });
  }
}
