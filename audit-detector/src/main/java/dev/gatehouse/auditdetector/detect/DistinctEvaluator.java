package dev.gatehouse.auditdetector.detect;

import dev.gatehouse.auditdetector.rules.Aggregation;
import dev.gatehouse.auditdetector.rules.DetectionEvent;
import dev.gatehouse.auditdetector.rules.EventField;
import java.util.HashMap;
import java.util.Map;

/** {@code distinct}: at least {@code threshold} distinct values of a field within the window. */
final class DistinctEvaluator extends RuleEvaluator<DistinctEvaluator.State> {

  private final EventField field;
  private final long windowMicros;
  private final long threshold;

  static final class State {
    final SlidingWindow window = new SlidingWindow();
    /** Occurrences in the window per value, as one-element holders (no boxing per event). */
    final Map<String, int[]> occurrences = new HashMap<>();
  }

  DistinctEvaluator(Aggregation.Distinct distinct, int maxEntities) {
    super(maxEntities, micros(distinct.window()));
    this.field = distinct.field();
    this.windowMicros = micros(distinct.window());
    this.threshold = distinct.threshold();
  }

  @Override
  State newState() {
    return new State();
  }

  @Override
  Hit update(State state, DetectionEvent event, long timeMicros) {
    String value = field.read(event);
    if (value == null) {
      return null;
    }
    state.occurrences.computeIfAbsent(value, v -> new int[1])[0]++;
    state.window.add(new SlidingWindow.Entry(timeMicros, event.ref(), value, 0), windowMicros,
        DetectionEngine.MAX_WINDOW_EVENTS, gone -> {
          int[] count = state.occurrences.get(gone.value());
          if (--count[0] == 0) {
            state.occurrences.remove(gone.value());
          }
        });
    if (state.occurrences.size() < threshold) {
      return null;
    }
    return new Hit(state.window.firstMicros(), timeMicros, state.occurrences.size(),
        state.window.evidence(DetectionEngine.MAX_EVIDENCE));
  }
}
