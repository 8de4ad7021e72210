package dev.gatehouse.gateway.isolation;

import dev.gatehouse.gateway.ownership.OwnershipRegistry;
import dev.gatehouse.gateway.ownership.ResourceId;
import dev.gatehouse.gateway.ownership.ResourceKind;
import io.vertx.core.Future;
import java.util.Set;

/** "Owned as any of these kinds", shared by the request and response sides. */
final class Ownership {

  /** Longest id looked up; anything longer is owned by nobody. */
  static final int MAX_ID_LENGTH = 256;

  private Ownership() {}

  /**
   * True when the workspace owns {@code id} as one of {@code kinds}; the caller's own entity id
   * counts as owned when {@code kinds} includes {@link ResourceKind#ENTITY}.
   */
  static Future<Boolean> ownedAsAny(OwnershipRegistry registry, String workspace, String entity,
      Set<ResourceKind> kinds, String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      return Future.succeededFuture(false);
    }
    if (kinds.contains(ResourceKind.ENTITY) && ResourceId.canonical(id).equals(entity)) {
      return Future.succeededFuture(true);
    }
    Future<Boolean> any = Future.succeededFuture(false);
    for (ResourceKind kind : kinds) {
      any = any.compose(found -> found ? Future.succeededFuture(true) : registry.owns(workspace, kind, id));
    }
    return any;
  }
}
