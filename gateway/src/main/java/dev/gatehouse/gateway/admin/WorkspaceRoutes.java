package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.gateway.tier.RuntimeTier;
import dev.gatehouse.gateway.token.RevocationState;
import dev.gatehouse.gateway.workspace.Workspace;
import dev.gatehouse.gateway.workspace.WorkspaceStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code /admin/v1/workspaces}: create ({@code POST {"name"}}, 201, 409 if the name is taken),
 * list, get, {@code POST .../{id}/lock} and {@code .../unlock} (409 for a deleted workspace), and
 * {@code DELETE .../{id}}: the workspace is locked for good, and the runtime the gateway runs for
 * it is stopped and its data erased. Mount behind the admin body handler and authenticator (see
 * {@link AdminAuthenticator}).
 */
public final class WorkspaceRoutes implements AdminRoutes {

  static final String PATH = AdminApi.PREFIX + "/workspaces";

  private final WorkspaceStore workspaces;
  private final RevocationState revocations;
  private final RuntimeTier runtimes;

  /**
   * {@code revocations} gets this node's locks at once; other nodes learn them from the change
   * feed. {@code runtimes} erases a deleted workspace's runtime data.
   */
  public WorkspaceRoutes(WorkspaceStore workspaces, RevocationState revocations, RuntimeTier runtimes) {
    this.workspaces = workspaces;
    this.revocations = revocations;
    this.runtimes = runtimes;
  }

  @Override
  public void mount(Router router) {
    router.post(PATH).handler(this::create);
    router.get(PATH).handler(this::list);
    router.get(PATH + "/:id").handler(this::get);
    router.post(PATH + "/:id/lock").handler(ctx -> setLocked(ctx, true));
    router.post(PATH + "/:id/unlock").handler(ctx -> setLocked(ctx, false));
    router.delete(PATH + "/:id").handler(this::delete);
  }

  private void create(RoutingContext ctx) {
    String name = AdminReplies.body(ctx).map(b -> b.getValue("name")).filter(String.class::isInstance)
        .map(String.class::cast).orElse(null);
    if (!Workspace.validName(name)) {
      AdminReplies.refuse(ctx, 400, "invalid_name");
      return;
    }
    workspaces.create(name).onComplete(created -> {
      if (created.failed()) {
        AdminReplies.unavailable(ctx, created.cause());
      } else if (created.result().isEmpty()) {
        AdminReplies.refuse(ctx, 409, "conflict");
      } else {
        AdminReplies.json(ctx, 201, created.result().get().toJson());
      }
    });
  }

  private void list(RoutingContext ctx) {
    workspaces.list().onComplete(all -> {
      if (all.failed()) {
        AdminReplies.unavailable(ctx, all.cause());
        return;
      }
      JsonArray items = new JsonArray();
      all.result().forEach(w -> items.add(w.toJson()));
      AdminReplies.json(ctx, 200, new JsonObject().put("workspaces", items));
    });
  }

  private void get(RoutingContext ctx) {
    var id = AdminReplies.uuid(ctx.pathParam("id"));
    if (id.isEmpty()) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      return;
    }
    workspaces.get(id.get()).onComplete(found -> reply(ctx, found.succeeded() ? found.result() : null, found.cause()));
  }

  private void setLocked(RoutingContext ctx, boolean locked) {
    var id = AdminReplies.uuid(ctx.pathParam("id"));
    if (id.isEmpty()) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      return;
    }
    UUID workspace = id.get();
    workspaces.setLocked(workspace, locked)
        .onSuccess(done -> done.ifPresent(w -> revocations.markLocked(w.id().toString(), w.locked())))
        .onComplete(done -> {
          if (done.succeeded() && done.result().filter(Workspace::deleted).isPresent()) {
            AdminReplies.refuse(ctx, 409, "workspace_deleted");
          } else {
            reply(ctx, done.succeeded() ? done.result() : null, done.cause());
          }
        });
  }

  /** Locks the workspace for good, then erases its runtime's data; 404 if there is no such workspace. */
  private void delete(RoutingContext ctx) {
    var id = AdminReplies.uuid(ctx.pathParam("id"));
    if (id.isEmpty()) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      return;
    }
    workspaces.delete(id.get())
        .onSuccess(done -> done.ifPresent(w -> revocations.markLocked(w.id().toString(), true)))
        .compose(done -> done.isEmpty() ? Future.succeededFuture(done)
            : runtimes.erase(done.get().id().toString()).map(done))
        .onComplete(done -> reply(ctx, done.succeeded() ? done.result() : null, done.cause()));
  }

  private static void reply(RoutingContext ctx, java.util.Optional<Workspace> workspace, Throwable failure) {
    if (workspace == null) {
      AdminReplies.unavailable(ctx, failure);
    } else if (workspace.isEmpty()) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
    } else {
      AdminReplies.json(ctx, 200, workspace.get().toJson());
    }
  }
}
