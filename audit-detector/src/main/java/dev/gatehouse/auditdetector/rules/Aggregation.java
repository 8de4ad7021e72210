package dev.gatehouse.auditdetector.rules;

import java.time.Duration;
import java.util.List;

/**
 * How a rule turns matching events into a finding: exactly one of these per rule. Windows slide
 * on event time and end at each event, so a burst that straddles a clock boundary is counted
 * whole.
 */
public sealed interface Aggregation {

  /** How long an entity's state must be kept after its last matching event. */
  Duration memory();

  /** At least {@code threshold} matching events of one entity within {@code window}. */
  record Count(Duration window, long threshold) implements Aggregation {
    @Override
    public Duration memory() {
      return window;
    }
  }

  /** At least {@code threshold} distinct values of {@code field} for one entity within {@code window}. */
  record Distinct(EventField field, Duration window, long threshold) implements Aggregation {
    @Override
    public Duration memory() {
      return window;
    }
  }

  /** The numeric {@code field} summed over one entity's events within {@code window} reaches {@code threshold}. */
  record Sum(EventField field, Duration window, long threshold) implements Aggregation {
    @Override
    public Duration memory() {
      return window;
    }
  }

  /**
   * A value of {@code term} not seen for the entity within {@code history}. New-term mode
   * ({@code returningOnly = false}) fires on a term never or not recently seen, once the entity
   * itself has been known for {@code minEntityAge}; returning mode fires only on a term seen
   * before, but last seen more than {@code history} ago (dormancy), remembering terms for
   * {@code remember}.
   */
  record FirstSeen(EventField term, Duration history, Duration minEntityAge, boolean returningOnly,
      Duration remember) implements Aggregation {
    @Override
    public Duration memory() {
      return returningOnly ? remember : history;
    }
  }

  /**
   * Ordered steps by one entity, all within {@code window} of the first counted event. Each step
   * needs {@code atLeast} matching events; matching is greedy (the earliest qualifying events
   * complete a step and the next step starts after them).
   */
  record Sequence(Duration window, List<Step> steps) implements Aggregation {
    /** Copies the steps. */
    public Sequence {
      steps = List.copyOf(steps);
    }

    @Override
    public Duration memory() {
      return window;
    }
  }

  /**
   * One step of a sequence.
   *
   * @param where events that count towards this step
   * @param atLeast how many such events complete it
   */
  record Step(EventPredicate where, int atLeast) {
  }

  /**
   * Per-entity baseline of a rate. The rate is the number of matching events (or, with a
   * {@code field}, the sum of that numeric field over them) in the sliding {@code bucket} ending at
   * each event; the baseline is an exponentially weighted mean and variance (weight {@code alpha})
   * of the rates of completed clock-aligned buckets, idle buckets counting as zero. Fires when the
   * entity has been observed for {@code warmupBuckets}, the rate is at least {@code minRate}, and
   * {@code (rate - mean) / max(stddev, minStdDev) >= zThreshold}.
   *
   * @param field numeric field to sum, or {@code null} to count events
   */
  record Anomaly(Duration bucket, double alpha, int warmupBuckets, long minRate, double minStdDev,
      double zThreshold, Duration baselineMemory, EventField field) implements Aggregation {
    @Override
    public Duration memory() {
      return baselineMemory;
    }
  }
}
