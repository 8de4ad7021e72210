package dev.gatehouse.auditdetector.eval;

import java.time.Duration;

/**
 * One rule's figures in an evaluation run.
 *
 * @param ruleId the rule
 * @param findings findings it emitted
 * @param truePositives findings whose evidence contains an injected attack event (of any attack)
 * @param attacks attacks injected for this rule
 * @param detected those with a finding of this rule whose evidence contains one of their events
 * @param benignPerThousandSubjectDays findings without attack evidence per 1,000 subjects per day
 * @param medianLatency median of (finding emitted − decisive attack event), over detected attacks
 * @param maxLatency largest such latency
 */
public record RuleScore(String ruleId, int findings, int truePositives, int attacks, int detected,
    double benignPerThousandSubjectDays, Duration medianLatency, Duration maxLatency) {

  /** True positives over findings; 1 when the rule emitted nothing. */
  public double precision() {
    return findings == 0 ? 1.0 : (double) truePositives / findings;
  }

  /** Detected over injected attacks; 1 when none were injected. */
  public double recall() {
    return attacks == 0 ? 1.0 : (double) detected / attacks;
  }

  /** Harmonic mean of precision and recall. */
  public double f1() {
    double p = precision();
    double r = recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }
}
