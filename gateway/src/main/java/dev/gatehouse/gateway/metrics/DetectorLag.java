package dev.gatehouse.gateway.metrics;

import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.live.LiveDetector;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * How far the in-process detector is behind this node's audit trail: the newest durable event's
 * sequence number (learnt from the audit writer's durable batches) minus the detector's read
 * position, never below 0. Register it with the writer's {@code onDurable}.
 */
public final class DetectorLag implements Consumer<List<ChainedEvent>> {

  private final String node;
  private final LiveDetector detector;
  private final AtomicLong newestDurable = new AtomicLong();

  public DetectorLag(String node, LiveDetector detector) {
    this.node = node;
    this.detector = detector;
  }

  @Override
  public void accept(List<ChainedEvent> batch) {
    for (ChainedEvent event : batch) {
      if (node.equals(event.nodeId())) {
        newestDurable.accumulateAndGet(event.seq(), Math::max);
      }
    }
  }

  /** Durable events of this node the detector has not read yet. */
  public long events() {
    return Math.max(0, newestDurable.get() - detector.position(node));
  }
}
