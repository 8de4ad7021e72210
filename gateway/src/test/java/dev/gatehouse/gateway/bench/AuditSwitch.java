package dev.gatehouse.gateway.bench;

import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.writer.AuditSink;
import java.util.function.UnaryOperator;

/**
 * Stands between the gateway's main listener and its audit writer: while on, events go to the
 * writer; while off, they are dropped after being built, which is the benchmark's "audit off"
 * (the writer, its hashing and PostgreSQL's inserts are what the ratio measures).
 */
final class AuditSwitch implements UnaryOperator<AuditSink> {

  private volatile boolean on = true;

  void set(boolean on) {
    this.on = on;
  }

  @Override
  public AuditSink apply(AuditSink writer) {
    return new AuditSink() {
      @Override
      public boolean record(AuditEvent event) {
        return !on || writer.record(event);
      }

      @Override
      public boolean admitting() {
        return writer.admitting();
      }
    };
  }
}
