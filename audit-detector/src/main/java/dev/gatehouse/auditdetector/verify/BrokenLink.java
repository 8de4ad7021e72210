package dev.gatehouse.auditdetector.verify;

import java.util.Objects;

/**
 * The first place where a node's stored chain disagrees with itself or with a signed checkpoint.
 *
 * @param seq the sequence number named as broken (see {@link Kind} for what it means)
 * @param kind what was found
 * @param detail a one-line explanation for the operator (no event content)
 */
public record BrokenLink(long seq, Kind kind, String detail) {

  /** What kind of break was found. */
  public enum Kind {
    /** The event at {@code seq} was altered (its content, hash or link no longer match). */
    CHANGED,
    /** No event is stored at {@code seq}, though later events or a checkpoint exist. */
    MISSING,
    /** The event at {@code seq} does not belong to the chain (it was added afterwards). */
    INSERTED,
    /** The checkpoint at {@code seq} does not carry a valid signature. */
    CHECKPOINT_FORGED,
    /**
     * The event at {@code seq} has a hash other than the one its signed checkpoint pinned: the
     * chain was rewritten (hashes recomputed) somewhere after the previous matching checkpoint.
     */
    CHECKPOINT_MISMATCH
  }

  /** Validates the fields. */
  public BrokenLink {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
  }
}
