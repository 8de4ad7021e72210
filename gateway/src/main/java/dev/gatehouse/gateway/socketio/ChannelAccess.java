package dev.gatehouse.gateway.socketio;

import io.vertx.core.Future;

/**
 * Which runtime resources a workspace owns, as the Socket.IO endpoint asks it. An id the
 * implementation does not know is not owned. A failed future means the answer is unknown: the
 * event is refused (fail closed). Implementations must be thread-safe and must not block.
 */
public interface ChannelAccess {

  /** Owns nothing: every join and send is refused. The default until an ownership registry is wired. */
  ChannelAccess NONE = new ChannelAccess() {
    @Override
    public Future<Boolean> ownsChannel(String workspaceId, String channelId) {
      return Future.succeededFuture(false);
    }

    @Override
    public Future<Boolean> ownsMessageServer(String workspaceId, String messageServerId) {
      return Future.succeededFuture(false);
    }

    @Override
    public Future<Boolean> ownsAgent(String workspaceId, String agentId) {
      return Future.succeededFuture(false);
    }
  };

  /** Whether the channel (elizaOS channel, Socket.IO room) belongs to the workspace. */
  Future<Boolean> ownsChannel(String workspaceId, String channelId);

  /** Whether the message server (elizaOS world) belongs to the workspace. */
  Future<Boolean> ownsMessageServer(String workspaceId, String messageServerId);

  /** Whether the agent belongs to the workspace. */
  Future<Boolean> ownsAgent(String workspaceId, String agentId);

  /** Whether the uploaded media file belongs to the workspace; none does unless overridden. */
  default Future<Boolean> ownsMedia(String workspaceId, String filename) {
    return Future.succeededFuture(false);
  }
}
