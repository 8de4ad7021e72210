package dev.gatehouse.auditdetector.eval;

import java.time.Instant;

/**
 * One attack the generator injected.
 *
 * @param id the attack's id, e.g. {@code D01#3}; an attack expected to be detected by several rules
 *     is listed once per rule under the same id
 * @param ruleId the rule meant to detect it
 * @param decisiveTime event time of the attack event at which the rule's documented threshold is
 *     reached (the earliest moment a detection is possible)
 */
public record InjectedAttack(String id, String ruleId, Instant decisiveTime) {
}
