package dev.gatehouse.auditdetector.rules;

import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.event.AuditEvent;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * An audit event as the rules see it: the decision, its chain position when known, and the
 * number of sequence numbers missing just before it in its node's chain.
 *
 * @param nodeId recording node, or {@code null} when the event did not come from a chain
 * @param seq position in the node's chain, or 0 when unknown
 * @param seqGap sequence numbers skipped just before this event (0 when none or unknown)
 * @param event the decision
 */
public record DetectionEvent(String nodeId, long seq, long seqGap, AuditEvent event) {

  /** Validates the fields. */
  public DetectionEvent {
    Objects.requireNonNull(event, "event");
    if (seq < 0 || seqGap < 0) {
      throw new IllegalArgumentException("seq and seqGap must not be negative");
    }
  }

  /** An event without a chain position. */
  public static DetectionEvent of(AuditEvent event) {
    return new DetectionEvent(null, 0, 0, event);
  }

  /** A chained event with the gap measured before it. */
  public static DetectionEvent of(ChainedEvent chained, long seqGap) {
    return new DetectionEvent(chained.nodeId(), chained.seq(), seqGap, chained.event());
  }

  /** Event time in microseconds since the epoch. */
  public long timeMicros() {
    return ChronoUnit.MICROS.between(java.time.Instant.EPOCH, event.timestamp());
  }

  /** The reference that findings carry as evidence. */
  public EventRef ref() {
    return new EventRef(nodeId, seq, event.eventId());
  }
}
