package dev.gatehouse.auditdetector.detect;

import java.time.Duration;

/**
 * Engine settings.
 *
 * @param allowedLateness how far behind the newest event time an event may arrive and still be
 *     evaluated; events are held this long and released in event-time order; later ones are
 *     dropped (and counted in {@link EngineStats#lateEventsDropped()})
 * @param rearmInterval after a finding for a (rule, entity), further hits are suppressed until
 *     this much event time passes without one
 * @param maxEntitiesPerRule per-rule cap on tracked entities; the least recently active is evicted
 * @param maxOpenAlerts cap on (rule, entity) pairs remembered for suppression
 */
public record EngineOptions(Duration allowedLateness, Duration rearmInterval, int maxEntitiesPerRule,
    int maxOpenAlerts) {

  /** {@value} seconds. */
  public static final long DEFAULT_LATENESS_SECONDS = 10;
  /** {@value} minutes. */
  public static final long DEFAULT_REARM_MINUTES = 60;
  /** {@value} entities. */
  public static final int DEFAULT_MAX_ENTITIES_PER_RULE = 100_000;
  /** {@value} pairs. */
  public static final int DEFAULT_MAX_OPEN_ALERTS = 100_000;

  /** Validates the settings. */
  public EngineOptions {
    if (allowedLateness.isNegative() || rearmInterval.isNegative() || maxEntitiesPerRule < 1 || maxOpenAlerts < 1) {
      throw new IllegalArgumentException("engine options must be positive");
    }
  }

  /** 10 s lateness, 60 min re-arm, 100,000 entities per rule, 100,000 open alerts. */
  public static EngineOptions defaults() {
    return new EngineOptions(Duration.ofSeconds(DEFAULT_LATENESS_SECONDS), Duration.ofMinutes(DEFAULT_REARM_MINUTES),
        DEFAULT_MAX_ENTITIES_PER_RULE, DEFAULT_MAX_OPEN_ALERTS);
  }

  /** A copy with another lateness. */
  public EngineOptions withAllowedLateness(Duration value) {
    return new EngineOptions(value, rearmInterval, maxEntitiesPerRule, maxOpenAlerts);
  }

  /** A copy with another re-arm interval. */
  public EngineOptions withRearmInterval(Duration value) {
    return new EngineOptions(allowedLateness, value, maxEntitiesPerRule, maxOpenAlerts);
  }

  /** A copy with another entity cap. */
  public EngineOptions withMaxEntitiesPerRule(int value) {
    return new EngineOptions(allowedLateness, rearmInterval, value, maxOpenAlerts);
  }
}
