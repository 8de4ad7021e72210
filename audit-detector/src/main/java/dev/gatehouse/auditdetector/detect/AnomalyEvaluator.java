package dev.gatehouse.auditdetector.detect;

import dev.gatehouse.auditdetector.rules.Aggregation;
import dev.gatehouse.auditdetector.rules.DetectionEvent;

/**
 * {@code anomaly} with the {@code ewma} method: the sliding-bucket rate of an entity (events, or
 * the sum of a numeric field) against an exponentially weighted mean and variance of its completed
 * clock-aligned bucket rates. Warm-up ({@code warmupBuckets}) and floors ({@code minRate},
 * {@code minStdDev}) keep new and quiet entities from alerting on small absolute changes. Idle
 * buckets update the baseline as zeros (at most {@link #MAX_ZERO_UPDATES} of them; after that many
 * the old baseline has decayed away in any case). A completed bucket enters the baseline clipped to
 * {@code mean + zThreshold * max(stddev, minStdDev)}, so an attack that straddles a bucket boundary
 * does not inflate the baseline it is measured against, while a lasting change of level is still
 * learnt, step by step. Events without a numeric value of the field are skipped.
 */
final class AnomalyEvaluator extends RuleEvaluator<AnomalyEvaluator.State> {

  /** {@value} buckets: a day of one-minute buckets. */
  static final int MAX_ZERO_UPDATES = 1_440;

  private final Aggregation.Anomaly rule;
  private final long bucketMicros;

  static final class State {
    long firstBucket = Long.MIN_VALUE;
    long currentBucket;
    long currentCount;
    double mean;
    double variance;
    long recentTotal;
    final SlidingWindow recent = new SlidingWindow();
  }

  AnomalyEvaluator(Aggregation.Anomaly rule, int maxEntities) {
    super(maxEntities, micros(rule.memory()));
    this.rule = rule;
    this.bucketMicros = micros(rule.bucket());
  }

  @Override
  State newState() {
    return new State();
  }

  @Override
  Hit update(State state, DetectionEvent event, long timeMicros) {
    long amount = 1;
    if (rule.field() != null) {
      try {
        amount = Long.parseLong(String.valueOf(rule.field().read(event)));
      } catch (NumberFormatException notNumeric) {
        return null;
      }
    }
    long bucket = Math.floorDiv(timeMicros, bucketMicros);
    if (state.firstBucket == Long.MIN_VALUE) {
      state.firstBucket = bucket;
      state.currentBucket = bucket;
    } else if (bucket > state.currentBucket) {
      double ceiling = state.mean + rule.zThreshold() * Math.max(Math.sqrt(state.variance), rule.minStdDev());
      observe(state, Math.min(state.currentCount, ceiling));
      long idle = Math.min(bucket - state.currentBucket - 1, MAX_ZERO_UPDATES);
      for (long i = 0; i < idle; i++) {
        observe(state, 0);
      }
      state.currentBucket = bucket;
      state.currentCount = 0;
    }
    state.currentCount += amount;
    state.recentTotal += amount;
    state.recent.add(new SlidingWindow.Entry(timeMicros, event.ref(), null, amount), bucketMicros - 1,
        DetectionEngine.MAX_WINDOW_EVENTS, gone -> state.recentTotal -= gone.amount());
    long rate = state.recentTotal;
    if (bucket - state.firstBucket < rule.warmupBuckets() || rate < rule.minRate()) {
      return null;
    }
    double z = (rate - state.mean) / Math.max(Math.sqrt(state.variance), rule.minStdDev());
    if (z < rule.zThreshold()) {
      return null;
    }
    return new Hit(state.recent.firstMicros(), timeMicros, rate, state.recent.evidence(DetectionEngine.MAX_EVIDENCE));
  }

  private void observe(State state, double count) {
    double diff = count - state.mean;
    double increment = rule.alpha() * diff;
    state.mean += increment;
    state.variance = (1 - rule.alpha()) * (state.variance + diff * increment);
  }
}
