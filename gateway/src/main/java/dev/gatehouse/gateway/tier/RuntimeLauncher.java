package dev.gatehouse.gateway.tier;

import io.vertx.core.Future;

/** Starts and erases the runtimes of single workspaces, for {@link DedicatedRuntimes}. */
public interface RuntimeLauncher {

  /**
   * Starts {@code workspace}'s runtime over its own data (created on first start, kept across
   * restarts). Completes once the runtime answers; fails when it cannot start.
   */
  Future<RuntimeInstance> launch(String workspace);

  /** Removes {@code workspace}'s runtime data. Its runtime must not be running. */
  Future<Void> erase(String workspace);
}
