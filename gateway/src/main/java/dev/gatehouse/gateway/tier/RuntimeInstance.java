package dev.gatehouse.gateway.tier;

import io.vertx.core.Future;

/** One started runtime process, healthy when handed out. */
public interface RuntimeInstance {

  RuntimeTarget target();

  /** Completes when the process has exited, whether it was stopped or died. */
  Future<Void> exited();

  /** Stops the process and everything it started; idempotent. */
  Future<Void> stop();
}
