package dev.gatehouse.gateway.bench;

import java.time.Duration;

/** Something that drives closed-loop HTTP load at a {@link LoadTarget} for one round. */
interface LoadDriver extends AutoCloseable {

  /** Drives {@code target} for {@code duration}; returns once the round is over. */
  RoundResult run(LoadTarget target, Duration duration) throws Exception;

  /** Whether this driver honours {@link LoadTarget#pauseMillis()}. */
  boolean paces();

  /** One line saying what generates the load, for the report. */
  String description();
}
