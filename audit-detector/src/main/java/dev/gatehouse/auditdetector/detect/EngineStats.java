package dev.gatehouse.auditdetector.detect;

/**
 * Counters of what the engine did not turn into findings, so that nothing is dropped silently.
 *
 * @param eventsEvaluated events released to the rules
 * @param lateEventsDropped events older than the allowed lateness when they arrived
 * @param hitsSuppressed rule hits folded into an open alert
 * @param entitiesEvicted entity states dropped because a rule reached its entity cap
 * @param trackedEntities entity states currently held, over all rules
 */
public record EngineStats(long eventsEvaluated, long lateEventsDropped, long hitsSuppressed, long entitiesEvicted,
    long trackedEntities) {
}
