package dev.gatehouse.auditdetector.verify;

import java.time.Instant;

/**
 * Which part of a node's chain to verify: everything, a sequence range, or the events of a time
 * range (plus checkpoints made in it). Bounds are inclusive for sequences, {@code [from, to)} for
 * times; a {@code null} bound is open.
 *
 * @param fromSeq first sequence number, or null
 * @param toSeq last sequence number, or null
 * @param from start of the time range, or null
 * @param to end of the time range (exclusive), or null
 */
public record VerificationRange(Long fromSeq, Long toSeq, Instant from, Instant to) {

  /** Validates that the range is either by sequence or by time, and not inverted. */
  public VerificationRange {
    boolean bySeq = fromSeq != null || toSeq != null;
    boolean byTime = from != null || to != null;
    if (bySeq && byTime) {
      throw new IllegalArgumentException("a range is by sequence or by time, not both");
    }
    if (fromSeq != null && fromSeq < 1) {
      throw new IllegalArgumentException("fromSeq must be positive");
    }
    if (fromSeq != null && toSeq != null && toSeq < fromSeq) {
      throw new IllegalArgumentException("toSeq before fromSeq");
    }
    if (from != null && to != null && !to.isAfter(from)) {
      throw new IllegalArgumentException("to must be after from");
    }
  }

  /** The whole stored chain. */
  public static VerificationRange all() {
    return new VerificationRange(null, null, null, null);
  }

  /** Sequence numbers {@code fromSeq..toSeq}, inclusive; either may be null. */
  public static VerificationRange sequences(Long fromSeq, Long toSeq) {
    return new VerificationRange(fromSeq, toSeq, null, null);
  }

  /** Events with {@code from <= ts < to}; either may be null. */
  public static VerificationRange time(Instant from, Instant to) {
    return new VerificationRange(null, null, from, to);
  }

  boolean byTime() {
    return from != null || to != null;
  }
}
