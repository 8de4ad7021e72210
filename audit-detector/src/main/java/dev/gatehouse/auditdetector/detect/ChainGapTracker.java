package dev.gatehouse.auditdetector.detect;

import java.util.HashMap;
import java.util.Map;

/**
 * Measures breaks in each node's sequence numbers in arrival order (a node's events arrive in
 * sequence order from its writer or from a catch-up query). The first event seen from a node
 * has no measurable gap; a sequence number at or below the last one seen (a replay) has none.
 */
final class ChainGapTracker {

  private final Map<String, Long> lastSeq = new HashMap<>();

  /** Sequence numbers missing just before {@code seq} on {@code nodeId}. */
  long gapBefore(String nodeId, long seq) {
    Long last = lastSeq.get(nodeId);
    if (last == null || seq <= last) {
      lastSeq.merge(nodeId, seq, Math::max);
      return 0;
    }
    lastSeq.put(nodeId, seq);
    return seq - last - 1;
  }
}
