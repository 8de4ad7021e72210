package dev.gatehouse.gateway.testsupport;

import dev.gatehouse.gateway.socketio.ChannelAccess;
import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Resource ownership a test declares: which workspace owns which channel, message server and agent. */
public final class OwnedResources implements ChannelAccess {

  private final Map<String, String> owners = new ConcurrentHashMap<>();

  public OwnedResources channel(String workspace, String channelId) {
    owners.put("channel:" + channelId, workspace);
    return this;
  }

  public OwnedResources messageServer(String workspace, String messageServerId) {
    owners.put("server:" + messageServerId, workspace);
    return this;
  }

  public OwnedResources agent(String workspace, String agentId) {
    owners.put("agent:" + agentId, workspace);
    return this;
  }

  @Override
  public Future<Boolean> ownsChannel(String workspaceId, String channelId) {
    return owns("channel:" + channelId, workspaceId);
  }

  @Override
  public Future<Boolean> ownsMessageServer(String workspaceId, String messageServerId) {
    return owns("server:" + messageServerId, workspaceId);
  }

  @Override
  public Future<Boolean> ownsAgent(String workspaceId, String agentId) {
    return owns("agent:" + agentId, workspaceId);
  }

  private Future<Boolean> owns(String key, String workspaceId) {
    return Future.succeededFuture(workspaceId.equals(owners.get(key)));
  }
}
