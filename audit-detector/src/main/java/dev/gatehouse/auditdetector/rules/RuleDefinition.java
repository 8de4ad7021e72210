package dev.gatehouse.auditdetector.rules;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One detection rule, as loaded from a rule file by {@link RuleLoader}.
 *
 * @param id stable id, e.g. {@code D01}
 * @param version the rule's own version, bumped when its logic changes
 * @param title one line for the alert list
 * @param severity alert severity
 * @param attackTechnique MITRE ATT&amp;CK technique id, e.g. {@code T1110.001}
 * @param runbook repository-relative link to the response runbook
 * @param falsePositives known benign causes, for the triager
 * @param entity fields whose values group events (the alert's subject); events missing one are skipped
 * @param where single-event filter applied before the aggregation
 * @param aggregation how matching events become a finding
 * @param responses what to do when the rule opens an alert (possibly none)
 */
public record RuleDefinition(String id, int version, String title, Severity severity, String attackTechnique,
    String runbook, String falsePositives, List<EventField> entity, EventPredicate where, Aggregation aggregation, List<RuleResponse> responses) {

  /** Rule ids: letters, digits, dots, dashes, underscores. */
  public static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");

  /** Validates the fields. */
  public RuleDefinition {
    if (id == null || !ID_PATTERN.matcher(id).matches()) {
      throw new IllegalArgumentException("rule id must match " + ID_PATTERN.pattern());
    }
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(attackTechnique, "attackTechnique");
    Objects.requireNonNull(runbook, "runbook");
    Objects.requireNonNull(falsePositives, "falsePositives");
    entity = List.copyOf(entity);
    if (entity.isEmpty()) {
      throw new IllegalArgumentException("rule " + id + " needs at least one entity field");
    }
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(aggregation, "aggregation");
    responses = List.copyOf(responses);
  }

  /**
   * The entity key of an event, e.g. {@code client_address=198.51.100.7}, or {@code null} when
   * one of the entity fields is absent.
   */
  public String entityOf(DetectionEvent event) {
    StringBuilder key = new StringBuilder();
    for (EventField field : entity) {
      String value = field.read(event);
      if (value == null) {
        return null;
      }
      if (key.length() > 0) {
        key.append(',');
      }
      key.append(field.name()).append('=').append(value);
    }
    return key.toString();
  }
}
