package dev.gatehouse.auditdetector.detect;

import dev.gatehouse.auditdetector.rules.Aggregation;
import dev.gatehouse.auditdetector.rules.DetectionEvent;
import dev.gatehouse.auditdetector.rules.EventField;

/** {@code sum}: a numeric field summed over the window reaches {@code threshold}; non-numeric values are skipped. */
final class SumEvaluator extends RuleEvaluator<SumEvaluator.State> {

  private final EventField field;
  private final long windowMicros;
  private final long threshold;

  static final class State {
    final SlidingWindow window = new SlidingWindow();
    long total;
  }

  SumEvaluator(Aggregation.Sum sum, int maxEntities) {
    super(maxEntities, micros(sum.window()));
    this.field = sum.field();
    this.windowMicros = micros(sum.window());
    this.threshold = sum.threshold();
  }

  @Override
  State newState() {
    return new State();
  }

  @Override
  Hit update(State state, DetectionEvent event, long timeMicros) {
    long amount;
    try {
      amount = Long.parseLong(String.valueOf(field.read(event)));
    } catch (NumberFormatException notNumeric) {
      return null;
    }
    state.total += amount;
    state.window.add(new SlidingWindow.Entry(timeMicros, event.ref(), null, amount), windowMicros,
        DetectionEngine.MAX_WINDOW_EVENTS, gone -> state.total -= gone.amount());
    if (state.total < threshold) {
      return null;
    }
    return new Hit(state.window.firstMicros(), timeMicros, state.total,
        state.window.evidence(DetectionEngine.MAX_EVIDENCE));
  }
}
