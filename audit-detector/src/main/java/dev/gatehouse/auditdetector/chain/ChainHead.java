package dev.gatehouse.auditdetector.chain;

import java.util.Objects;

/**
 * The last link of a node's chain: its sequence number and hash. The head of an empty chain is
 * {@link #EMPTY} (sequence 0, {@link ChainHash#GENESIS}).
 *
 * @param seq sequence number of the last event, 0 if none
 * @param hash chain hash of the last event
 */
public record ChainHead(long seq, ChainHash hash) {

  /** Head of a chain with no events. */
  public static final ChainHead EMPTY = new ChainHead(0, ChainHash.GENESIS);

  /** Validates the head. */
  public ChainHead {
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative");
    }
    Objects.requireNonNull(hash, "hash");
  }

  /** The head after {@code event}. */
  public static ChainHead of(ChainedEvent event) {
    return new ChainHead(event.seq(), event.hash());
  }
}
