package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.gateway.keys.SigningAlgorithm;
import dev.gatehouse.gateway.keys.SigningKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /admin/v1/keys}: list (public facts only), {@code POST /rotate} (optional
 * {@code {"alg":"ES256"|"EdDSA"}}; without it, the node's {@code tokens.signingAlgorithm}) → the
 * new active key, and
 * {@code POST /{kid}/retire} for a verify-only key (404 otherwise; the active key cannot be retired).
 */
public final class KeyRoutes implements AdminRoutes {

  static final String PATH = AdminApi.PREFIX + "/keys";

  private final SigningKeys keys;
  private final SigningAlgorithm configured;

  /** @param configured the algorithm of a rotated key when the request names none */
  public KeyRoutes(SigningKeys keys, SigningAlgorithm configured) {
    this.keys = keys;
    this.configured = configured;
  }

  @Override
  public void mount(Router router) {
    router.get(PATH).handler(this::list);
    router.post(PATH + "/rotate")
        .handler(this::rotate);
    router.post(PATH + "/:kid/retire").handler(this::retire);
  }

  private void list(RoutingContext ctx) {
    JsonArray items = new JsonArray();
    keys.list().forEach(k -> items.add(k.toJson()));
    AdminReplies.json(ctx, 200, new JsonObject().put("keys", items));
  }

  private void rotate(RoutingContext ctx) {
    Object requested = ctx.body().length() == 0 ? configured.id()
        : AdminReplies.body(ctx).map(b -> b.getValue("alg", configured.id())).orElse(null);
    var alg = requested instanceof String s ? SigningAlgorithm.fromId(s) : java.util.Optional.<SigningAlgorithm>empty();
    if (alg.isEmpty()) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    keys.rotate(alg.get()).onComplete(rotated -> {
      if (rotated.failed()) {
        AdminReplies.unavailable(ctx, rotated.cause());
      } else {
        AdminReplies.json(ctx, 201, rotated.result().toJson());
      }
    });
  }

  private void retire(RoutingContext ctx) {
    keys.retire(ctx.pathParam("kid")).onComplete(done -> {
      if (done.failed()) {
        AdminReplies.unavailable(ctx, done.cause());
      } else if (!done.result()) {
        AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      } else {
        AdminReplies.json(ctx, 200, keys.find(ctx.pathParam("kid")).map(k -> k.toJson()).orElseGet(JsonObject::new));
      }
    });
  }
}
