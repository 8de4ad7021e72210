package dev.gatehouse.gateway.isolation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;

/**
 * Rewrites the model-provider settings of a character on its way to the runtime (the egress
 * gateway puts its own credential and URL in place of a provider key). {@link #NONE} leaves
 * characters as they are.
 */
@FunctionalInterface
public interface ProviderSecretSwap {

  ProviderSecretSwap NONE = (workspace, agentId, character, creating) -> Future.succeededFuture();

  /**
   * Rewrites {@code character} in place: a character being deployed ({@code creating}), or a
   * change to agent {@code agentId}'s character. A failed future refuses the request (503).
   */
  Future<Void> apply(String workspace, String agentId, ObjectNode character, boolean creating);
}
