package dev.gatehouse.auditdetector.detect;

import dev.gatehouse.auditdetector.rules.EventRef;
import dev.gatehouse.auditdetector.rules.Severity;
import java.time.Instant;
import java.util.List;

/**
 * What a rule found: one per (rule, entity) while the alert is open (see {@link AlertGate}).
 *
 * @param ruleId the rule, e.g. {@code D01}
 * @param ruleVersion the rule's version
 * @param title the rule's title
 * @param severity the rule's severity
 * @param attackTechnique ATT&amp;CK technique id
 * @param runbook link to the runbook
 * @param entity the entity key, e.g. {@code client_address=198.51.100.7}
 * @param workspace workspace of the decisive event, or {@code null}
 * @param firstEventTime event time of the oldest event the aggregation counted
 * @param lastEventTime event time of the decisive event
 * @param detectedAt the engine's watermark when the finding was emitted (newest event time seen)
 * @param value the aggregate that crossed the threshold: count, distinct values, sum, steps
 *     matched, rate, or 1 for a first-seen term
 * @param evidence references to the counted events, newest last, at most
 *     {@link DetectionEngine#MAX_EVIDENCE}
 */
public record Finding(String ruleId, int ruleVersion, String title, Severity severity, String attackTechnique,
    String runbook, String entity, String workspace, Instant firstEventTime, Instant lastEventTime,
    Instant detectedAt, long value, List<EventRef> evidence) {

  /** Copies the evidence. */
  public Finding {
    evidence = List.copyOf(evidence);
  }
}
