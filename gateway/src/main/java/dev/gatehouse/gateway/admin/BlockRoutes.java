package dev.gatehouse.gateway.admin;

import dev.gatehouse.auditdetector.duration.DurationText;
import dev.gatehouse.gateway.block.AddressBlocks;
import dev.gatehouse.gateway.errors.ErrorBody;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /admin/v1/blocks} (full admin only): {@code GET} → {@code {"blocks":[{"address","reason",
 * "createdBy","createdAt","expiresAt"}]}} (live blocks); {@code POST {"address","for":"1h","reason"}}
 * → 201 (a blocked address is re-blocked with the new period); {@code DELETE /{address}} → 204, 404
 * if it was not blocked. Addresses are IP literals (stored canonical); periods at most
 * {@value AddressBlocks#MAX_DAYS} days; 400 {@code invalid_request} otherwise.
 */
public final class BlockRoutes implements AdminRoutes {

  static final String PATH = AdminApi.PREFIX + "/blocks";

  private final AddressBlocks blocks;

  public BlockRoutes(AddressBlocks blocks) {
    this.blocks = blocks;
  }

  @Override
  public void mount(Router router) {
    router.get(PATH).handler(this::list);
    router.post(PATH).handler(this::add);
    router.delete(PATH + "/:address").handler(this::remove);
  }

  private void list(RoutingContext ctx) {
    if (!full(ctx)) {
      return;
    }
    blocks.list().onComplete(done -> {
      if (done.failed()) {
        AdminReplies.unavailable(ctx, done.cause());
      } else {
        AdminReplies.json(ctx, 200, new JsonObject().put("blocks", new JsonArray(done.result())));
      }
    });
  }

  private void add(RoutingContext ctx) {
    if (!full(ctx)) {
      return;
    }
    Optional<JsonObject> body = AdminReplies.body(ctx);
    Optional<String> address = body.map(b -> b.getValue("address")).filter(String.class::isInstance)
        .map(String.class::cast).flatMap(AddressBlocks::canonical);
    Optional<Duration> period = body.flatMap(b -> DurationText.of(b.getValue("for")))
        .filter(d -> d.compareTo(AddressBlocks.MAX_DURATION) <= 0);
    Object reason = body.map(b -> b.getValue("reason")).orElse(null);
    boolean known = body.map(b -> Set.of("address", "for", "reason").containsAll(b.fieldNames())).orElse(false);
    if (!known || address.isEmpty() || period.isEmpty() || !(reason instanceof String text) || text.isBlank()
        || text.length() > AddressBlocks.MAX_REASON) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    blocks.add(address.get(), period.get(), text, AdminReplies.actor(ctx)).onComplete(done -> AdminReplies.created(ctx, done));
  }

  private void remove(RoutingContext ctx) {
    if (!full(ctx)) {
      return;
    }
    Optional<String> address = AddressBlocks.canonical(ctx.pathParam("address"));
    if (address.isEmpty()) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      return;
    }
    blocks.remove(address.get()).onComplete(done -> AdminReplies.removed(ctx, done));
  }

  private static boolean full(RoutingContext ctx) {
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    if (access.full()) {
      return true;
    }
    AdminReplies.error(ctx, ErrorBody.FORBIDDEN);
    return false;
  }
}
