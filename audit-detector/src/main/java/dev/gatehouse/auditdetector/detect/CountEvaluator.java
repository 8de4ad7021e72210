package dev.gatehouse.auditdetector.detect;

import dev.gatehouse.auditdetector.rules.Aggregation;
import dev.gatehouse.auditdetector.rules.DetectionEvent;

/** {@code count}: at least {@code threshold} events within the window ending at the newest one. */
final class CountEvaluator extends RuleEvaluator<SlidingWindow> {

  private final long windowMicros;
  private final int threshold;

  CountEvaluator(Aggregation.Count count, int maxEntities) {
    super(maxEntities, micros(count.window()));
    this.windowMicros = micros(count.window());
    this.threshold = (int) Math.min(count.threshold(), DetectionEngine.MAX_WINDOW_EVENTS);
  }

  @Override
  SlidingWindow newState() {
    return new SlidingWindow();
  }

  @Override
  Hit update(SlidingWindow window, DetectionEvent event, long timeMicros) {
    // Only the newest `threshold` events can decide whether `threshold` fit in the window.
    window.add(new SlidingWindow.Entry(timeMicros, event.ref(), null, 0), windowMicros, threshold);
    if (window.size() < threshold) {
      return null;
    }
    return new Hit(window.firstMicros(), timeMicros, window.size(), window.evidence(DetectionEngine.MAX_EVIDENCE));
  }
}
