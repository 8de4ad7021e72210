package dev.gatehouse.gateway.tier;

import io.vertx.core.Future;
import java.net.URI;
import java.util.Optional;

/**
 * The seam between the pipeline and the runtimes: it routes one exchange (HTTP request or
 * Socket.IO session) to its workspace's runtime. The pipeline does not know whether that runtime
 * is shared by every workspace ({@link FixedRuntime}), run by the gateway for this workspace only
 * ({@link DedicatedRuntimes}) or run elsewhere ({@link RemotePlacements}).
 *
 * <p>Failures: a {@link RuntimeUnavailable} when no runtime can take the exchange now (the
 * client gets 503 with {@code Retry-After}, or 404); any other failed future is a broken
 * dependency, which callers treat as a denial.
 */
public interface RuntimeTier {

  /**
   * A lease on the runtime of {@code workspace} (empty for an anonymous request), once that
   * runtime can take requests. The caller releases it when the exchange or socket ends.
   */
  Future<RuntimeLease> acquire(Optional<String> workspace);

  /**
   * Stops {@code workspace}'s runtime and erases its data, where the gateway runs one per
   * workspace; nothing for a runtime the gateway shares or does not run.
   */
  Future<Void> erase(String workspace);

  /**
   * The one runtime every workspace without a runtime of its own goes to, when there is one (an
   * upstream or the shared runtime): readiness checks that it answers. Empty when runtimes start
   * on demand.
   */
  default Optional<URI> sharedRuntime() {
    return Optional.empty();
  }

  /** One line for logs and the status endpoint; never a credential. */
  String describe();

  /** Stops whatever this tier started; leases still held fail their exchanges. */
  Future<Void> close();
}
