package dev.gatehouse.gateway.tier;

import io.vertx.core.Future;
import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One runtime for every workspace: an operator's existing deployment ({@code upstream.url}) or
 * the one runtime the gateway runs with {@code runtime.isolation: shared}. The route policy's
 * ownership checks are then the only boundary between workspaces. Anonymous requests (public
 * routes) go to it too.
 */
public final class FixedRuntime implements RuntimeTier {

  private final RuntimeLease lease;
  private final Supplier<Future<Void>> stop;

  /** An upstream the gateway fronts but does not run. */
  public FixedRuntime(RuntimeTarget target) {
    this(target, Future::succeededFuture);
  }

  /** @param stop stops the runtime, which the gateway runs */
  public FixedRuntime(RuntimeTarget target, Supplier<Future<Void>> stop) {
    this.lease = RuntimeLease.fixed(target);
    this.stop = stop;
  }

  @Override
  public Future<RuntimeLease> acquire(Optional<String> workspace) {
    return Future.succeededFuture(lease);
  }

  /** Nothing: the runtime holds every workspace's data, which the route policy keeps apart. */
  @Override
  public Future<Void> erase(String workspace) {
    return Future.succeededFuture();
  }

  @Override
  public Optional<URI> sharedRuntime() {
    return Optional.of(lease.target().url());
  }

  @Override
  public String describe() {
    return lease.target().url().toString();
  }

  @Override
  public Future<Void> close() {
    return stop.get();
  }
}
