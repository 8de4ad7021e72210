package dev.gatehouse.gateway.tier;

import io.vertx.core.Future;

/**
 * One exchange's or socket's hold on a runtime. While any lease is held the runtime is in use: it
 * is not stopped for being idle or to make room for another workspace. {@link #release} is
 * idempotent and must be called once the exchange or socket ends.
 */
public interface RuntimeLease {

  RuntimeTarget target();

  void release();

  /**
   * The runtime refused a connection (it died, and the tier may not have noticed yet): a lease
   * on the workspace's runtime once it is back, and this lease released; a failed future when
   * there is no other runtime to wait for. Nothing was sent to the refusing runtime, so the
   * caller may send the exchange to the renewed one.
   */
  Future<RuntimeLease> renew();

  /** A lease on a runtime that is never stopped (an upstream the gateway does not run). */
  static RuntimeLease fixed(RuntimeTarget target) {
    return new RuntimeLease() {
      @Override
      public RuntimeTarget target() {
        return target;
      }

      @Override
      public void release() {
        // Nothing is counted for a runtime the gateway does not run.
      }

      @Override
      public Future<RuntimeLease> renew() {
        return Future.failedFuture(new IllegalStateException("the runtime refused the connection"));
      }
    };
  }
}
