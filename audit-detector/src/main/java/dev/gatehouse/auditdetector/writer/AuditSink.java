package dev.gatehouse.auditdetector.writer;

import dev.gatehouse.auditdetector.event.AuditEvent;

/**
 * Where a component hands its audit events: in a running gateway the {@link AuditWriter} itself.
 * The contract is the writer's: {@link #record} never blocks or throws, and a caller refuses
 * work while {@link #admitting()} is {@code false}, so that nothing goes unaudited.
 */
public interface AuditSink {

  /** Queues {@code event}; {@code false} if it was refused. Never blocks, never throws. */
  boolean record(AuditEvent event);

  /** Whether new work may be admitted, that is whether its events are sure to be kept. */
  boolean admitting();
}
