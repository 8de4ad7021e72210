package dev.gatehouse.auditdetector.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The audit writer's meters, all tagged {@code node=<node id>}. Prometheus names in brackets.
 *
 * <ul>
 *   <li>{@value #QUEUE_DEPTH} gauge [{@code gatehouse_audit_queue_depth}]: events accepted and not
 *       yet taken into a batch.
 *   <li>{@value #BATCH_LATENCY} timer, tag {@code target=database|spool}
 *       [{@code gatehouse_audit_batch_latency_seconds}]: time to store one batch.
 *   <li>{@value #EVENTS_WRITTEN}, {@value #EVENTS_SPOOLED}, {@value #EVENTS_REPLAYED},
 *       {@value #EVENTS_DROPPED} counters [{@code gatehouse_audit_events_*_total}]: events inserted
 *       directly, appended to the spool, replayed from the spool, and refused by {@code record}
 *       (queue full or writer closed).
 *   <li>{@value #SPOOL_SIZE} gauge [{@code gatehouse_audit_spool_size_bytes}].
 *   <li>{@value #ADMITTING} gauge [{@code gatehouse_audit_admitting}]: 1 while requests may be
 *       admitted, 0 otherwise.
 *   <li>{@value #CHECKPOINTS} counter, tag {@code outcome=stored|failed}
 *       [{@code gatehouse_audit_checkpoints_total}].
 * </ul>
 */
public final class AuditMetrics {

  /** Meter name. */
  public static final String QUEUE_DEPTH = "gatehouse.audit.queue.depth";
  /** Meter name. */
  public static final String BATCH_LATENCY = "gatehouse.audit.batch.latency";
  /** Meter name. */
  public static final String EVENTS_WRITTEN = "gatehouse.audit.events.written";
  /** Meter name. */
  public static final String EVENTS_SPOOLED = "gatehouse.audit.events.spooled";
  /** Meter name. */
  public static final String EVENTS_REPLAYED = "gatehouse.audit.events.replayed";
  /** Meter name. */
  public static final String EVENTS_DROPPED = "gatehouse.audit.events.dropped";
  /** Meter name. */
  public static final String SPOOL_SIZE = "gatehouse.audit.spool.size";
  /** Meter name. */
  public static final String ADMITTING = "gatehouse.audit.admitting";
  /** Meter name. */
  public static final String CHECKPOINTS = "gatehouse.audit.checkpoints";

  private final MeterRegistry registry;
  private final List<Gauge> gauges = new ArrayList<>();
  private final Timer databaseBatch;
  private final Timer spoolBatch;
  private final Counter written;
  private final Counter spooled;
  private final Counter replayed;
  private final Counter dropped;
  private final Counter checkpointsStored;
  private final Counter checkpointsFailed;

  /**
   * Registers the meters of node {@code nodeId}; the gauges sample the given suppliers.
   */
  public AuditMetrics(MeterRegistry registry, String nodeId, LongSupplier queueDepth, LongSupplier spoolBytes,
      BooleanSupplier admitting) {
    this.registry = registry;
    Tags tags = Tags.of("node", nodeId);
    gauges.add(Gauge.builder(QUEUE_DEPTH, queueDepth, LongSupplier::getAsLong).tags(tags).strongReference(true)
        .description("Audit events accepted and not yet batched").register(registry));
    gauges.add(Gauge.builder(SPOOL_SIZE, spoolBytes, LongSupplier::getAsLong).tags(tags).strongReference(true)
        .baseUnit("bytes").description("Size of the local audit spool").register(registry));
    gauges.add(Gauge.builder(ADMITTING, admitting, a -> a.getAsBoolean() ? 1 : 0).tags(tags).strongReference(true)
        .description("1 while the audit writer can take more requests").register(registry));
    databaseBatch = Timer.builder(BATCH_LATENCY).tags(tags).tag("target", "database")
        .description("Time to store one audit batch").register(registry);
    spoolBatch = Timer.builder(BATCH_LATENCY).tags(tags).tag("target", "spool")
        .description("Time to store one audit batch").register(registry);
    written = counter(EVENTS_WRITTEN, tags, "Audit events inserted directly");
    spooled = counter(EVENTS_SPOOLED, tags, "Audit events appended to the spool");
    replayed = counter(EVENTS_REPLAYED, tags, "Audit events replayed from the spool");
    dropped = counter(EVENTS_DROPPED, tags, "Audit events refused by record()");
    checkpointsStored = Counter.builder(CHECKPOINTS).tags(tags).tag("outcome", "stored").register(registry);
    checkpointsFailed = Counter.builder(CHECKPOINTS).tags(tags).tag("outcome", "failed").register(registry);
  }

  /** Removes the gauges from the registry (they would keep sampling a closed writer). Counters stay. */
  public void removeGauges() {
    gauges.forEach(registry::remove);
  }

  /** A batch of {@code events} was inserted in {@code nanos}. */
  public void batchWritten(int events, long nanos) {
    written.increment(events);
    databaseBatch.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A batch of {@code events} was appended to the spool in {@code nanos}. */
  public void batchSpooled(int events, long nanos) {
    spooled.increment(events);
    spoolBatch.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** {@code events} spooled events were replayed into the database in {@code nanos}. */
  public void batchReplayed(int events, long nanos) {
    replayed.increment(events);
    databaseBatch.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** One event was refused. */
  public void eventDropped() {
    dropped.increment();
  }

  /** A checkpoint was stored, or failed to be signed or stored. */
  public void checkpoint(boolean stored) {
    (stored ? checkpointsStored : checkpointsFailed).increment();
  }

  private Counter counter(String name, Tags tags, String description) {
    return Counter.builder(name).tags(tags).description(description).register(registry);
  }
}
