package dev.gatehouse.auditdetector.detect;

import dev.gatehouse.auditdetector.rules.Aggregation;
import dev.gatehouse.auditdetector.rules.DetectionEvent;

/**
 * The state machine of one rule's aggregation over its entities. Called only with events that
 * passed the rule's {@code where}, in event-time order, on one thread.
 */
abstract class RuleEvaluator<S> {

  private final EntityTable<S> table;

  RuleEvaluator(int maxEntities, long idleMicros) {
    this.table = new EntityTable<>(maxEntities, idleMicros);
  }

  /** The evaluator for an aggregation. */
  static RuleEvaluator<?> of(Aggregation aggregation, int maxEntities) {
    if (aggregation instanceof Aggregation.Count count) {
      return new CountEvaluator(count, maxEntities);
    } else if (aggregation instanceof Aggregation.Distinct distinct) {
      return new DistinctEvaluator(distinct, maxEntities);
    } else if (aggregation instanceof Aggregation.Sum sum) {
      return new SumEvaluator(sum, maxEntities);
    } else if (aggregation instanceof Aggregation.FirstSeen firstSeen) {
      return new FirstSeenEvaluator(firstSeen, maxEntities);
    } else if (aggregation instanceof Aggregation.Sequence sequence) {
      return new SequenceEvaluator(sequence, maxEntities);
    }
    return new AnomalyEvaluator((Aggregation.Anomaly) aggregation, maxEntities);
  }

  /** Adds the event to the entity's state; a hit when the rule's condition holds after it. */
  final Hit apply(DetectionEvent event, String entity, long timeMicros) {
    return update(table.touch(entity, timeMicros, this::newState), event, timeMicros);
  }

  abstract S newState();

  abstract Hit update(S state, DetectionEvent event, long timeMicros);

  final void evictIdle(long nowMicros) {
    table.evictIdle(nowMicros);
  }

  final int entities() {
    return table.size();
  }

  final long evicted() {
    return table.evicted();
  }

  static long micros(java.time.Duration duration) {
    return duration.toNanos() / 1_000;
  }
}
