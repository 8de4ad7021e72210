package dev.gatehouse.auditdetector.rules;

import java.util.Objects;
import java.util.UUID;

/**
 * A pointer to one audit event: its chain position ({@code node:seq}) when known, and its id.
 *
 * @param nodeId recording node, or {@code null}
 * @param seq chain position, or 0 when unknown
 * @param eventId the event's id
 */
public record EventRef(String nodeId, long seq, UUID eventId) {

  /** Validates the id. */
  public EventRef {
    Objects.requireNonNull(eventId, "eventId");
  }

  /** {@code node:seq} when the chain position is known, otherwise the event id. */
  @Override
  public String toString() {
    return nodeId != null ? nodeId + ":" + seq : eventId.toString();
  }
}
