package dev.gatehouse.auditdetector.detect;

import dev.gatehouse.auditdetector.rules.Aggregation;
import dev.gatehouse.auditdetector.rules.DetectionEvent;
import dev.gatehouse.auditdetector.rules.EventRef;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sequence}: ordered steps within the window of the first counted event. The first step
 * slides (its oldest matches drop out of the window); a later step that does not complete within
 * the window resets the entity to the first step.
 */
final class SequenceEvaluator extends RuleEvaluator<SequenceEvaluator.State> {

  private final List<Aggregation.Step> steps;
  private final long windowMicros;

  static final class State {
    int step;
    final SlidingWindow firstStep = new SlidingWindow();
    long startMicros;
    int laterMatches;
    final List<EventRef> laterEvidence = new ArrayList<>();
  }

  SequenceEvaluator(Aggregation.Sequence sequence, int maxEntities) {
    super(maxEntities, micros(sequence.window()));
    this.steps = sequence.steps();
    this.windowMicros = micros(sequence.window());
  }

  @Override
  State newState() {
    return new State();
  }

  @Override
  Hit update(State state, DetectionEvent event, long timeMicros) {
    if (state.step > 0 && timeMicros - state.startMicros > windowMicros) {
      reset(state);
    }
    Aggregation.Step current = steps.get(state.step);
    if (!current.where().test(event)) {
      return null;
    }
    if (state.step == 0) {
      int needed = steps.get(0).atLeast();
      state.firstStep.add(new SlidingWindow.Entry(timeMicros, event.ref(), null, 0), windowMicros, needed);
      if (state.firstStep.size() < needed) {
        return null;
      }
      state.startMicros = state.firstStep.firstMicros();
      state.laterEvidence.addAll(state.firstStep.evidence(DetectionEngine.MAX_EVIDENCE));
      advance(state);
      return null;
    }
    state.laterMatches++;
    if (state.laterEvidence.size() < DetectionEngine.MAX_EVIDENCE) {
      state.laterEvidence.add(event.ref());
    } else {
      state.laterEvidence.set(DetectionEngine.MAX_EVIDENCE - 1, event.ref());
    }
    if (state.laterMatches < current.atLeast()) {
      return null;
    }
    if (state.step < steps.size() - 1) {
      advance(state);
      return null;
    }
    Hit hit = new Hit(state.startMicros, timeMicros, steps.size(), List.copyOf(state.laterEvidence));
    reset(state);
    return hit;
  }

  private static void advance(State state) {
    state.step++;
    state.laterMatches = 0;
  }

  private static void reset(State state) {
    state.step = 0;
    state.laterMatches = 0;
    state.laterEvidence.clear();
    state.firstStep.clear();
  }
}
