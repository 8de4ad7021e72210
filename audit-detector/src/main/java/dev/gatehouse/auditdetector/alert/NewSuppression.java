package dev.gatehouse.auditdetector.alert;

import dev.gatehouse.auditdetector.rules.RuleDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A request to stop alerting on a rule, for one entity and/or workspace or for all, until it
 * expires. Findings it matches are not stored as alerts but counted on the suppression, so
 * nothing disappears silently. Expired suppressions are ignored (and still listed).
 *
 * @param ruleId the rule
 * @param entity the entity key, e.g. {@code client_address=203.0.113.9}, or {@code null} for every entity
 * @param workspace the workspace, or {@code null} for every workspace
 * @param reason why (required)
 * @param createdBy who asked
 * @param duration how long it lasts, at most {@link #MAX_DURATION}
 */
public record NewSuppression(String ruleId, String entity, String workspace, String reason, String createdBy,
    Duration duration) {

  /** Longest suppression: {@value #MAX_DAYS} days. */
  public static final long MAX_DAYS = 90;
  public static final Duration MAX_DURATION = Duration.ofDays(MAX_DAYS);
  /** Longest reason, entity or workspace text: {@value} characters. */
  public static final int MAX_TEXT = 200;

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException when a field is missing, too long or out of range
   */
  public NewSuppression {
    if (ruleId == null || !RuleDefinition.ID_PATTERN.matcher(ruleId).matches()) {
      throw new IllegalArgumentException("invalid rule id");
    }
    if (reason == null || reason.isBlank() || reason.length() > MAX_TEXT) {
      throw new IllegalArgumentException("reason required");
    }
    if ((entity != null && (entity.isEmpty() || entity.length() > MAX_TEXT))
        || (workspace != null && (workspace.isEmpty() || workspace.length() > MAX_TEXT))) {
      throw new IllegalArgumentException("invalid scope");
    }
    Objects.requireNonNull(createdBy, "createdBy");
    if (duration == null || duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException("invalid duration");
    }
  }

  Instant expiresAt(Instant now) {
    return now.plus(duration);
  }
}
