package dev.gatehouse.gateway.socketio;

import dev.gatehouse.gateway.ownership.OwnershipRegistry;
import dev.gatehouse.gateway.ownership.ResourceKind;
import io.vertx.core.Future;

/**
 * The Socket.IO endpoint's view of the ownership registry: the same records the HTTP isolation
 * stage writes when a workspace creates channels, message servers, agents and media through the
 * gateway.
 */
public final class RegistryChannelAccess implements ChannelAccess {

  private final OwnershipRegistry registry;

  public RegistryChannelAccess(OwnershipRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<Boolean> ownsChannel(String workspaceId, String channelId) {
    return registry.owns(workspaceId, ResourceKind.CHANNEL, channelId);
  }

  @Override
  public Future<Boolean> ownsMessageServer(String workspaceId, String messageServerId) {
    return registry.owns(workspaceId, ResourceKind.MESSAGE_SERVER, messageServerId);
  }

  @Override
  public Future<Boolean> ownsAgent(String workspaceId, String agentId) {
    return registry.owns(workspaceId, ResourceKind.AGENT, agentId);
  }

  @Override
  public Future<Boolean> ownsMedia(String workspaceId, String filename) {
    return registry.owns(workspaceId, ResourceKind.MEDIA, filename);
  }
}
