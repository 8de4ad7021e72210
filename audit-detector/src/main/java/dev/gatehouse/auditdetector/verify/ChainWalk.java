package dev.gatehouse.auditdetector.verify;

import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.chain.ChainHasher;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Walks stored rows in (seq, ts) order and finds the first broken link. Rows are judged with
 * one row of lookahead, which tells an inserted row (the next row links over it) from a changed
 * one.
 */
final class ChainWalk {

  /** A stored row: the parsed event, or the sequence number of a row that did not parse. */
  record StoredRow(long seq, ChainedEvent event) {
  }

  private final ChainHasher hasher = new ChainHasher();
  private final Set<Long> pinnedSeqs;
  private final Map<Long, ChainHash> pinnedHashes = new HashMap<>();
  private long expectedSeq;
  private ChainHash expectedPrev;
  private ChainHash prevPrev;
  private StoredRow held;
  private long checked;
  private BrokenLink broken;

  /**
   * @param firstSeq sequence number the walk starts at
   * @param anchor hash of event {@code firstSeq - 1}, or null when unknown (accept the first link)
   * @param pinnedSeqs sequence numbers whose hashes checkpoints will ask for
   */
  ChainWalk(long firstSeq, ChainHash anchor, Set<Long> pinnedSeqs) {
    this.expectedSeq = firstSeq;
    this.expectedPrev = anchor;
    this.pinnedSeqs = pinnedSeqs;
  }

  /** Feeds the next row; returns false once a break was found (stop feeding). */
  boolean feed(StoredRow row) {
    if (broken != null) {
      return false;
    }
    if (held != null) {
      judge(held, row);
    }
    held = row;
    return broken == null;
  }

  /** Ends the walk; {@code lastSeq} is the last sequence number the range must contain. */
  void finish(long lastSeq) {
    if (broken == null && held != null) {
      judge(held, null);
      held = null;
    }
    if (broken == null && expectedSeq <= lastSeq) {
      broken = new BrokenLink(expectedSeq, BrokenLink.Kind.MISSING,
          "events " + expectedSeq + ".." + lastSeq + " are not stored");
    }
  }

  Optional<BrokenLink> broken() {
    return Optional.ofNullable(broken);
  }

  long checked() {
    return checked;
  }

  /** Hash stored at {@code seq}, if the walk passed it intact and it was pinned. */
  Optional<ChainHash> pinnedHash(long seq) {
    return Optional.ofNullable(pinnedHashes.get(seq));
  }

  private void judge(StoredRow row, StoredRow next) {
    if (row.event() == null) {
      broken = new BrokenLink(row.seq(), BrokenLink.Kind.CHANGED, "row is not a valid audit event");
      return;
    }
    ChainedEvent event = row.event();
    if (event.seq() < expectedSeq) {
      broken = new BrokenLink(event.seq(), BrokenLink.Kind.INSERTED, "a second row carries this sequence number");
      return;
    }
    if (event.seq() > expectedSeq) {
      broken = new BrokenLink(expectedSeq, BrokenLink.Kind.MISSING, "no row carries this sequence number");
      return;
    }
    checked++;
    ChainHash recomputed = hasher.hash(event.prevHash(), event.nodeId(), event.seq(), event.event());
    boolean linkOk = expectedPrev == null || event.prevHash().equals(expectedPrev);
    boolean contentOk = recomputed.equals(event.hash());
    if (!linkOk || !contentOk) {
      broken = classify(event, next, linkOk, contentOk);
      return;
    }
    if (pinnedSeqs.contains(event.seq())) {
      pinnedHashes.put(event.seq(), event.hash());
    }
    prevPrev = expectedPrev;
    expectedPrev = event.hash();
    expectedSeq = event.seq() + 1;
  }

  private BrokenLink classify(ChainedEvent event, StoredRow next, boolean linkOk, boolean contentOk) {
    long seq = event.seq();
    if (expectedPrev != null && next != null && next.event() != null
        && next.event().prevHash().equals(expectedPrev)) {
      return new BrokenLink(seq, BrokenLink.Kind.INSERTED, "the next event links over this one");
    }
    if (!linkOk && prevPrev != null && event.prevHash().equals(prevPrev)) {
      return new BrokenLink(seq - 1, BrokenLink.Kind.INSERTED, "the following event links over this one");
    }
    if (!linkOk && contentOk) {
      return new BrokenLink(seq - 1, BrokenLink.Kind.CHANGED,
          "its stored hash is not the one the following event was linked to");
    }
    return new BrokenLink(seq, BrokenLink.Kind.CHANGED,
        linkOk ? "content does not match its hash" : "content and link do not match");
  }
}
