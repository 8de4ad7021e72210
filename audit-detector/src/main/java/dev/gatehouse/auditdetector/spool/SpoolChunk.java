package dev.gatehouse.auditdetector.spool;

import dev.gatehouse.auditdetector.chain.ChainedEvent;
import java.util.List;

/**
 * Events read from the spool, in sequence order, and the offset to continue reading from.
 *
 * @param events events read; empty at the end of the spool
 * @param nextOffset file offset just after the last event read
 */
public record SpoolChunk(List<ChainedEvent> events, long nextOffset) {

  /** Copies the list. */
  public SpoolChunk {
    events = List.copyOf(events);
  }
}
