package dev.gatehouse.auditdetector.alert;

import dev.gatehouse.auditdetector.detect.Finding;
import java.util.UUID;

/**
 * What storing one finding did.
 *
 * @param finding the finding
 * @param alertId the alert it opened or extended, or {@code null} when a suppression matched
 * @param opened whether it opened a new alert (responses run only then)
 * @param suppressionId the matching suppression, or {@code null}
 */
public record Raised(Finding finding, UUID alertId, boolean opened, UUID suppressionId) {

  /** Whether an active suppression swallowed the finding (it is counted on the suppression). */
  public boolean suppressed() {
    return suppressionId != null;
  }
}
