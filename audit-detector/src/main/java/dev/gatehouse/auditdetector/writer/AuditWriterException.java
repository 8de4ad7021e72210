package dev.gatehouse.auditdetector.writer;

/**
 * The audit writer could not start (no way to continue the chain) or closed with events that
 * were neither stored nor spooled.
 */
public final class AuditWriterException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  AuditWriterException(String message, Throwable cause) {
    super(message, cause);
  }
}
