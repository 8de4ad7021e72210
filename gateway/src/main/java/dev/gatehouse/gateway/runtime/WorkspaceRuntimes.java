package dev.gatehouse.gateway.runtime;

import dev.gatehouse.gateway.tier.RuntimeInstance;
import dev.gatehouse.gateway.tier.RuntimeLauncher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Function;

/**
 * Starts one workspace's {@link ManagedRuntime} over {@code <root>/<workspace id>}: its
 * database, salt and list of running agents, kept across restarts until {@link #erase}.
 */
public final class WorkspaceRuntimes implements RuntimeLauncher {

  private final Vertx vertx;
  private final Path root;
  private final Function<String, ManagedRuntime.Options> options;

  /**
   * @param root the directory holding one data directory per workspace
   * @param options a workspace's runtime options, given its data directory's workspace id
   */
  public WorkspaceRuntimes(Vertx vertx, Path root, Function<String, ManagedRuntime.Options> options) {
    this.vertx = vertx;
    this.root = root;
    this.options = options;
  }

  /** The data directory of {@code workspace}; refused unless the id is a canonical UUID. */
  public Path dataDir(String workspace) {
    if (!UUID.fromString(workspace).toString().equals(workspace)) {
      throw new IllegalArgumentException("not a canonical workspace id");
    }
    return root.resolve(workspace);
  }

  @Override
  public Future<RuntimeInstance> launch(String workspace) {
    ManagedRuntime.Options chosen;
    try {
      chosen = options.apply(workspace);
      dataDir(workspace);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return ManagedRuntime.start(vertx, chosen).map(runtime -> runtime);
  }

  @Override
  public Future<Void> erase(String workspace) {
    Path dir;
    try {
      dir = dataDir(workspace);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return vertx.executeBlocking(() -> {
      RuntimeInstaller.deleteTree(dir);
      return null;
    }, false);
  }
}
