package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.tier.RuntimeTier;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Asks a workspace's runtime whether it already holds an agent. The ownership registry knows only
 * what was created through the gateway; an agent the runtime had before (an operator's, or one
 * whose id elizaOS derived from its name) is nobody's to claim, so a sealed character may keep
 * its own id only when this answers false.
 */
public final class RuntimeAgents {

  private final RuntimeTier runtimes;
  private final UpstreamProxy proxy;

  public RuntimeAgents(RuntimeTier runtimes, UpstreamProxy proxy) {
    this.runtimes = runtimes;
    this.proxy = proxy;
  }

  /**
   * True when the runtime answers 200 for the agent, false for 404; any other answer, or none, is
   * a failed future (the caller refuses: it cannot tell that the id is free).
   */
  public Future<Boolean> has(String workspace, String agentId) {
    return runtimes.acquire(Optional.of(workspace))
        .compose(lease -> proxy.status(lease.target(), "/api/agents/" + agentId).andThen(done -> lease.release()))
        .compose(status -> status == 200 || status == 404 ? Future.succeededFuture(status == 200)
            : Future.failedFuture(new IllegalStateException("runtime answered " + status + " for an agent")));
  }
}
