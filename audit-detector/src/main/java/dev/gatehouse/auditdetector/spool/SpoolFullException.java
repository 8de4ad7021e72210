package dev.gatehouse.auditdetector.spool;

import java.io.IOException;

/**
 * The spool cannot take a batch without exceeding its configured cap. Nothing of the batch was
 * written.
 */
public final class SpoolFullException extends IOException {

  private static final long serialVersionUID = 1L;

  SpoolFullException(long size, long batchBytes, long maxBytes) {
    super("spool full: " + size + " bytes stored, batch of " + batchBytes + " bytes, cap " + maxBytes);
  }
}
