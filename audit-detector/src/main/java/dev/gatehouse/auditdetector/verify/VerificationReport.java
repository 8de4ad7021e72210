package dev.gatehouse.auditdetector.verify;

import java.util.Objects;
import java.util.Optional;

/**
 * Outcome of verifying one node's chain over a range.
 *
 * @param nodeId the node
 * @param fromSeq first sequence number examined (0 when the range held nothing)
 * @param toSeq last sequence number examined (0 when the range held nothing)
 * @param eventsChecked events whose hash and link were recomputed
 * @param checkpointsChecked signed checkpoints checked
 * @param brokenLink the first broken link, empty if the range is intact
 */
public record VerificationReport(String nodeId, long fromSeq, long toSeq, long eventsChecked,
    int checkpointsChecked, Optional<BrokenLink> brokenLink) {

  /** Validates the fields. */
  public VerificationReport {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(brokenLink, "brokenLink");
  }

  /** Whether no broken link was found. */
  public boolean intact() {
    return brokenLink.isEmpty();
  }
}
