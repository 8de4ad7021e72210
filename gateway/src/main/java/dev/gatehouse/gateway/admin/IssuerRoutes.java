package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.authn.IssuerConfig;
import dev.gatehouse.gateway.authn.IssuerRegistry;
import dev.gatehouse.gateway.errors.ErrorBody;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /admin/v1/issuers}: list, {@code POST} an issuer ({@link IssuerConfig#fromJson}; adds or
 * replaces, effective on every node without restart), {@code POST /remove {"iss"}}.
 */
public final class IssuerRoutes implements AdminRoutes {

  static final String PATH = AdminApi.PREFIX + "/issuers";

  private final IssuerRegistry issuers;

  public IssuerRoutes(IssuerRegistry issuers) {
    this.issuers = issuers;
  }

  @Override
  public void mount(Router router) {
    router.get(PATH).handler(this::list);
    router.post(PATH).handler(this::put);
    router.post(PATH + "/remove").handler(this::remove);
  }

  private void list(RoutingContext ctx) {
    JsonArray items = new JsonArray();
    issuers.list().forEach(i -> items.add(i.toJson()));
    AdminReplies.json(ctx, 200, new JsonObject().put("issuers", items));
  }

  private void put(RoutingContext ctx) {
    var config = AdminReplies.body(ctx).flatMap(IssuerConfig::fromJson);
    if (config.isEmpty()) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    issuers.put(config.get()).onComplete(done -> {
      if (done.failed()) {
        AdminReplies.unavailable(ctx, done.cause());
      } else {
        AdminReplies.json(ctx, 200, config.get().toJson());
      }
    });
  }

  private void remove(RoutingContext ctx) {
    Object iss = AdminReplies.body(ctx).map(b -> b.getValue("iss")).orElse(null);
    if (!(iss instanceof String issuer)) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    issuers.remove(issuer).onComplete(done -> {
      if (done.failed()) {
        AdminReplies.unavailable(ctx, done.cause());
      } else if (!done.result()) {
        AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      } else {
        AdminReplies.json(ctx, 200, new JsonObject().put("removed", issuer));
      }
    });
  }
}
