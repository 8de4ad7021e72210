package dev.gatehouse.auditdetector.detect;

import java.util.HashMap;
import java.util.Map;

/**
 * Measures breaks in each node's sequence numbers in arrival order (a node's events arrive in
 * sequence order from its writer or from a catch-up query). The first event seen from a node
 * has no measurable gap; a sequence number at or below the last one seen (a replay) has none.
 */
final class ChainGapTracker {

  /** Per node, a one-element holder of the highest sequence number seen (no boxing per event). */
  private final Map<String, long[]> lastSeq = new HashMap<>();

  /** Sequence numbers missing just before {@code seq} on {@code nodeId}. */
  long gapBefore(String nodeId, long seq) {
    long[] last = lastSeq.get(nodeId);
    if (last == null) {
      lastSeq.put(nodeId, new long[] {seq});
      return 0;
    }
    if (seq <= last[0]) {
      return 0;
    }
    long gap = seq - last[0] - 1;
    last[0] = seq;
    return gap;
  }
}
