package dev.gatehouse.gateway.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.ownership.OwnershipRegistry;
import dev.gatehouse.gateway.ownership.ResourceId;
import dev.gatehouse.gateway.ownership.ResourceKind;
import dev.gatehouse.secrets.format.CharacterSealer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.UUID;

/**
 * Prepares a character a workspace deploys ({@code POST /api/agents}) for the runtime.
 *
 * <ul>
 *   <li>A plain character gets a fresh random id, whatever id it carried: the runtime would
 *       otherwise derive the id from the name (equal names collide across workspaces) or hand back
 *       an existing agent for a known id.</li>
 *   <li>A sealed character ({@code gatehouse_seal} header) keeps its own id, to which its values
 *       are bound. It must be a UUID that is already the workspace's, or that nobody owns and the
 *       runtime holds no agent under (an agent the registry never recorded is nobody's to
 *       claim). It is opened just in time with the node's key provider, off the event loop; the
 *       plaintext exists only in the forwarded body.</li>
 * </ul>
 * The id is recorded as the workspace's agent before anything is forwarded.
 */
final class CharacterDeployment {

  static final String SEAL_HEADER = "gatehouse_seal";

  /** The prepared character, or why it was refused (an {@link IsolationStage} reason key). */
  record Prepared(ObjectNode character, String agentId) {}

  private final Vertx vertx;
  private final CharacterSealer sealer;
  private final OwnershipRegistry registry;
  private final IsolationStage.RuntimeAgentLookup runtimeAgents;

  CharacterDeployment(Vertx vertx, CharacterSealer sealer, OwnershipRegistry registry,
      IsolationStage.RuntimeAgentLookup runtimeAgents) {
    this.vertx = vertx;
    this.sealer = sealer;
    this.registry = registry;
    this.runtimeAgents = runtimeAgents;
  }

  /** Fails with a {@link Refusal} when the character cannot be deployed by this workspace. */
  Future<Prepared> prepare(String workspaceId, JsonNode character) {
    if (!(character instanceof ObjectNode object)) {
      return Future.failedFuture(Refusal.badRequest("character_invalid"));
    }
    if (!object.has(SEAL_HEADER)) {
      String id = UUID.randomUUID().toString();
      ObjectNode copy = object.deepCopy();
      copy.put("id", id);
      return claim(workspaceId, id).map(new Prepared(copy, id));
    }
    JsonNode id = object.get("id");
    if (id == null || !id.isTextual() || !Uuids.valid(id.asText())) {
      return Future.failedFuture(Refusal.badRequest("sealed_character_invalid"));
    }
    String agentId = ResourceId.canonical(id.asText());
    return vertx.executeBlocking(() -> sealer.open(object), false)
        .recover(failure -> Future.failedFuture(Refusal.badRequest("sealed_character_invalid")))
        .compose(opened -> registry.owns(workspaceId, ResourceKind.AGENT, agentId)
            .compose(owned -> owned ? Future.succeededFuture(false) : runtimeAgents.has(workspaceId, agentId))
            .compose(elsewhere -> elsewhere ? Future.<Void>failedFuture(Refusal.forbidden("character_id_taken"))
                : claim(workspaceId, id.asText()))
            .map(new Prepared(opened, id.asText())));
  }

  private Future<Void> claim(String workspaceId, String id) {
    return registry.claim(workspaceId, ResourceKind.AGENT, id)
        .compose(owned -> owned ? Future.succeededFuture() : Future.failedFuture(Refusal.forbidden("character_id_taken")));
  }
}
