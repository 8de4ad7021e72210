package dev.gatehouse.auditdetector.detect;

import dev.gatehouse.auditdetector.rules.Aggregation;
import dev.gatehouse.auditdetector.rules.DetectionEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code firstSeen}: a term new (or, in returning mode, back after dormancy) for its entity. Each
 * entity remembers at most {@link DetectionEngine#MAX_TERMS_PER_ENTITY} terms, least recently seen
 * forgotten first.
 */
final class FirstSeenEvaluator extends RuleEvaluator<FirstSeenEvaluator.State> {

  private final Aggregation.FirstSeen rule;
  private final long historyMicros;
  private final long minAgeMicros;

  static final class State {
    long firstMicros = Long.MIN_VALUE;
    final Map<String, Long> lastSeen = new LinkedHashMap<>(8, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > DetectionEngine.MAX_TERMS_PER_ENTITY;
      }
    };
  }

  FirstSeenEvaluator(Aggregation.FirstSeen rule, int maxEntities) {
    super(maxEntities, micros(rule.memory()));
    this.rule = rule;
    this.historyMicros = micros(rule.history());
    this.minAgeMicros = micros(rule.minEntityAge());
  }

  @Override
  State newState() {
    return new State();
  }

  @Override
  Hit update(State state, DetectionEvent event, long timeMicros) {
    String term = rule.term().read(event);
    if (term == null) {
      return null;
    }
    if (state.firstMicros == Long.MIN_VALUE) {
      state.firstMicros = timeMicros;
    }
    Long last = state.lastSeen.put(term, timeMicros);
    boolean stale = last != null && timeMicros - last > historyMicros;
    boolean fires = rule.returningOnly()
        ? stale
        : (last == null || stale) && timeMicros - state.firstMicros >= minAgeMicros;
    if (!fires) {
      return null;
    }
    return new Hit(last == null ? timeMicros : last, timeMicros, 1, List.of(event.ref()));
  }
}
