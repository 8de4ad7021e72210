package dev.gatehouse.auditdetector.eval;

import dev.gatehouse.auditdetector.detect.DetectionEngine;
import dev.gatehouse.auditdetector.detect.EngineOptions;
import dev.gatehouse.auditdetector.detect.Finding;
import dev.gatehouse.auditdetector.rules.DetectionEvent;
import dev.gatehouse.auditdetector.rules.EventRef;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Runs rules over {@link TrafficGenerator} traffic ({@link #run}), or over labelled events from
 * elsewhere such as those a gateway wrote ({@link #score}), and scores them against the labels. A finding
 * is a true positive when its evidence contains an injected attack event (of any attack: an attack
 * aimed at one rule that another rule also catches is still an attack). An attack counts as
 * detected by its rule when a finding of that rule carries one of the attack's events. Latency is
 * the finding's emission time (the engine's watermark, which includes the allowed lateness) minus
 * the event time of the attack's decisive event.
 */
public final class Evaluation {

  private Evaluation() {
  }

  /** Generates the default traffic with {@code seed} and scores {@code rules}. */
  public static EvaluationReport run(List<RuleDefinition> rules, EngineOptions options, long seed) {
    return run(rules, options, new TrafficGenerator(seed));
  }

  /** Generates {@code generator}'s traffic and scores {@code rules}. */
  public static EvaluationReport run(List<RuleDefinition> rules, EngineOptions options, TrafficGenerator generator) {
    return run(rules, options, generator, time -> { });
  }

  /**
   * As {@link #run(List, EngineOptions, TrafficGenerator)}, telling {@code progress} the event
   * time of every event generated (in time order, from {@link TrafficGenerator#START}), so a
   * caller can report how far the simulated days have come.
   */
  public static EvaluationReport run(List<RuleDefinition> rules, EngineOptions options, TrafficGenerator generator,
      Consumer<Instant> progress) {
    long started = System.nanoTime();
    DetectionEngine engine = new DetectionEngine(rules, options);
    Map<UUID, String> attackOf = new HashMap<>();
    List<Finding> findings = new ArrayList<>();
    long[] events = {0};
    generator.generate(labelled -> {
      events[0]++;
      progress.accept(labelled.event().event().timestamp());
      if (labelled.attackId() != null) {
        attackOf.put(labelled.event().event().eventId(), labelled.attackId());
      }
      findings.addAll(engine.accept(labelled.event()));
    });
    findings.addAll(engine.flush());
    return report(rules, findings, attackOf, generator.attacks(), events[0], generator.subjects(), generator.days(),
        engine, started);
  }

  /**
   * Scores {@code rules} on labelled events from elsewhere (for example events a gateway wrote and
   * an evaluation placed in time), fed to one engine in the given order.
   *
   * @param events the events in arrival order; each keeps the chain gap measured where it was written
   * @param attackOf the attack id of every attack event, by event id; other events are benign
   * @param attacks the attacks, one entry per rule expected to detect it (an attack id may repeat)
   * @param subjects subjects in the benign background
   * @param days days the events span
   * @param heartbeat how often a live detector moves its watermark to the clock while no events
   *     arrive: after each event, when the next is later, the watermark is moved to the event's time
   *     plus the lateness plus one heartbeat, so a finding is emitted when a live detector would
   *     emit it and not only when the next event arrives
   */
  public static EvaluationReport score(List<RuleDefinition> rules, EngineOptions options, List<DetectionEvent> events,
      Map<UUID, String> attackOf, List<InjectedAttack> attacks, int subjects, int days, Duration heartbeat) {
    long started = System.nanoTime();
    DetectionEngine engine = new DetectionEngine(rules, options);
    List<Finding> findings = new ArrayList<>();
    Instant newest = null;
    for (DetectionEvent event : events) {
      Instant time = event.event().timestamp();
      if (newest != null) {
        Instant tick = newest.plus(options.allowedLateness()).plus(heartbeat);
        if (tick.isBefore(time)) {
          findings.addAll(engine.advanceTo(tick));
        }
      }
      findings.addAll(engine.accept(event));
      newest = newest == null || time.isAfter(newest) ? time : newest;
    }
    findings.addAll(engine.flush());
    return report(rules, findings, attackOf, attacks, events.size(), subjects, days, engine, started);
  }

  private static EvaluationReport report(List<RuleDefinition> rules, List<Finding> findings,
      Map<UUID, String> attackOf, List<InjectedAttack> attacks, long events, int subjects, int days,
      DetectionEngine engine, long started) {
    List<RuleScore> scores = new ArrayList<>();
    for (RuleDefinition rule : rules) {
      scores.add(score(rule.id(), findings, attacks, subjects / 1000.0 * days, attackOf));
    }
    return new EvaluationReport(scores, events, subjects, days, engine.stats(),
        (System.nanoTime() - started) / 1_000_000);
  }

  private static RuleScore score(String ruleId, List<Finding> all, List<InjectedAttack> attacks, double subjectDays,
      Map<UUID, String> attackOf) {
    List<Finding> mine = all.stream().filter(f -> f.ruleId().equals(ruleId)).toList();
    int truePositives = 0;
    Map<String, Finding> firstByAttack = new HashMap<>();
    for (Finding finding : mine) {
      boolean attack = false;
      for (EventRef ref : finding.evidence()) {
        String attackId = attackOf.get(ref.eventId());
        if (attackId != null) {
          attack = true;
          firstByAttack.putIfAbsent(attackId, finding);
        }
      }
      truePositives += attack ? 1 : 0;
    }
    List<InjectedAttack> injected = attacks.stream().filter(a -> a.ruleId().equals(ruleId)).toList();
    List<Duration> latencies = new ArrayList<>();
    for (InjectedAttack attack : injected) {
      Finding finding = firstByAttack.get(attack.id());
      if (finding != null) {
        latencies.add(Duration.between(attack.decisiveTime(), finding.detectedAt()));
      }
    }
    latencies.sort(null);
    return new RuleScore(ruleId, mine.size(), truePositives, injected.size(), latencies.size(),
        (mine.size() - truePositives) / subjectDays,
        latencies.isEmpty() ? null : latencies.get(latencies.size() / 2),
        latencies.isEmpty() ? null : latencies.get(latencies.size() - 1));
  }
}
