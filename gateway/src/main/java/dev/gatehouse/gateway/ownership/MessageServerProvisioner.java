package dev.gatehouse.gateway.ownership;

import io.vertx.core.Future;

/** Creates a message server in the runtime for one workspace and answers its id. */
@FunctionalInterface
public interface MessageServerProvisioner {

  /** Fails when the runtime cannot be reached or answers without an id. */
  Future<String> create(String workspaceId);
}
