package dev.gatehouse.auditdetector.eval;

import dev.gatehouse.auditdetector.detect.EngineStats;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of one {@link Evaluation} run.
 *
 * @param scores per-rule figures, in rule order
 * @param events events generated
 * @param subjects subjects in the background
 * @param days simulated days
 * @param stats the engine's counters at the end
 * @param elapsedMillis wall-clock time of generation plus detection
 */
public record EvaluationReport(List<RuleScore> scores, long events, int subjects, int days, EngineStats stats,
    long elapsedMillis) {

  /** Copies the scores. */
  public EvaluationReport {
    scores = List.copyOf(scores);
  }

  /** A Markdown table of the figures, with a summary line. */
  public String table() {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "%,d events, %d subjects, %d days, %,d ms; late events dropped %d, hits suppressed %,d%n%n",
        events, subjects, days, elapsedMillis, stats.lateEventsDropped(), stats.hitsSuppressed()));
    out.append("| rule | findings | TP | attacks | detected | precision | recall | F1 "
        + "| benign / 1k subjects / day | median latency | max latency |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (RuleScore s : scores) {
      out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.3f | %.3f | %.3f | %.3f | %s | %s |%n",
          s.ruleId(), s.findings(), s.truePositives(), s.attacks(), s.detected(), s.precision(), s.recall(), s.f1(),
          s.benignPerThousandSubjectDays(), seconds(s.medianLatency()), seconds(s.maxLatency())));
    }
    return out.toString();
  }

  private static String seconds(java.time.Duration d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
