package dev.gatehouse.gateway.rules;

import dev.gatehouse.auditdetector.rules.Aggregation;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An operator's setting for one rule: switched off, and/or its threshold overridden.
 *
 * @param ruleId the rule
 * @param enabled false when the rule must not run
 * @param threshold the threshold replacing the rule's own, or null
 * @param updatedBy who changed it last
 * @param updatedAt when
 */
public record RuleSetting(String ruleId, boolean enabled, Long threshold, String updatedBy, Instant updatedAt) {

  public RuleSetting {
    Objects.requireNonNull(ruleId, "ruleId");
    if (threshold != null && threshold < 1) {
      throw new IllegalArgumentException("threshold must be positive");
    }
  }

  /**
   * The threshold a rule counts to before it fires, or empty for a rule without one (first-seen,
   * sequence and anomaly rules): only such thresholds can be overridden.
   */
  public static Optional<Long> thresholdOf(RuleDefinition rule) {
    Aggregation aggregation = rule.aggregation();
    if (aggregation instanceof Aggregation.Count count) {
      return Optional.of(count.threshold());
    }
    if (aggregation instanceof Aggregation.Distinct distinct) {
      return Optional.of(distinct.threshold());
    }
    if (aggregation instanceof Aggregation.Sum sum) {
      return Optional.of(sum.threshold());
    }
    return Optional.empty();
  }

  /** {@code rule} with {@code threshold} in place of its own (a rule with a threshold, see {@link #thresholdOf}). */
  static RuleDefinition withThreshold(RuleDefinition rule, long threshold) {
    Aggregation own = rule.aggregation();
    Aggregation aggregation;
    if (own instanceof Aggregation.Count count) {
      aggregation = new Aggregation.Count(count.window(), threshold);
    } else if (own instanceof Aggregation.Distinct distinct) {
      aggregation = new Aggregation.Distinct(distinct.field(), distinct.window(), threshold);
    } else if (own instanceof Aggregation.Sum sum) {
      aggregation = new Aggregation.Sum(sum.field(), sum.window(), threshold);
    } else {
      throw new IllegalArgumentException("rule " + rule.id() + " has no threshold");
    }
    return new RuleDefinition(rule.id(), rule.version(), rule.title(), rule.severity(), rule.attackTechnique(),
        rule.runbook(), rule.falsePositives(), rule.entity(), rule.where(), aggregation, rule.responses());
  }
}
