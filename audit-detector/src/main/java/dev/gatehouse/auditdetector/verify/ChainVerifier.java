package dev.gatehouse.auditdetector.verify;

import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.checkpoint.Checkpoint;
import dev.gatehouse.auditdetector.checkpoint.CheckpointSigner;
import dev.gatehouse.auditdetector.checkpoint.CheckpointStore;
import dev.gatehouse.auditdetector.store.AuditRows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Recomputes a node's hash chain from {@code audit_events} and checks its signed checkpoints.
 *
 * <p>For every stored event in the range, in sequence order, it checks that the sequence number
 * is the next one (a gap is {@link BrokenLink.Kind#MISSING}, a repeated number
 * {@link BrokenLink.Kind#INSERTED}), that {@code prev_hash} equals the previous event's hash, and
 * that {@code hash = SHA-256(prev_hash || canonical(event))}. A row that links wrongly is told
 * apart as inserted (the next row links over it) or changed. The first event of the range is
 * linked to the stored event before it when that exists, to {@link ChainHash#GENESIS} at
 * sequence 1, and otherwise (older partitions dropped by retention) accepted as an anchor.
 *
 * <p>Each checkpoint in the range must carry a valid signature ({@link CheckpointSigner#verify})
 * and pin the hash actually stored at its sequence; this catches a chain rewritten with every
 * hash recomputed, and events deleted from the end. Events after the last checkpoint are
 * protected only by the chain itself.
 *
 * <p>The result names the first broken link (lowest sequence number); problems are reported in
 * the result, never thrown. The returned future fails only when the database cannot be read.
 * Rows are streamed page by page; memory use does not grow with the range.
 */
public final class ChainVerifier {

  /** Rows read per query. */
  public static final int PAGE_SIZE = 5_000;

  private static final OffsetDateTime MIN_TIME = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private static final OffsetDateTime MAX_TIME = OffsetDateTime.of(9999, 12, 31, 0, 0, 0, 0, ZoneOffset.UTC);
  private static final String PAGE = "SELECT " + AuditRows.COLUMNS + " FROM audit_events "
      + "WHERE node_id = $1 AND (seq, ts) > ($2, $3) AND seq <= $4 ORDER BY seq, ts LIMIT $5";
  private static final String BOUNDS = "SELECT min(seq) AS lo, max(seq) AS hi FROM audit_events WHERE node_id = $1";
  private static final String TIME_BOUNDS = "SELECT min(seq) AS lo, max(seq) AS hi FROM audit_events "
      + "WHERE node_id = $1 AND ts >= $2 AND ts < $3";
  private static final String CHECKPOINT_BOUNDS = "SELECT max(seq) AS hi FROM audit_checkpoints "
      + "WHERE node_id = $1 AND created_at >= $2 AND created_at < $3";
  private static final String ANCHOR =
      "SELECT hash FROM audit_events WHERE node_id = $1 AND seq = $2 ORDER BY ts LIMIT 1";
  private static final String NODES = "SELECT node_id FROM (SELECT DISTINCT node_id FROM audit_checkpoints "
      + "UNION SELECT DISTINCT node_id FROM audit_events) n ORDER BY node_id";

  private final Pool pool;
  private final CheckpointStore checkpoints;
  private final CheckpointSigner signer;

  /**
   * @param pool pool to read from; owned by the caller
   * @param signer verifies checkpoint signatures (its signing side is not used)
   */
  public ChainVerifier(Pool pool, CheckpointSigner signer) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.checkpoints = new CheckpointStore(pool);
    this.signer = Objects.requireNonNull(signer, "signer");
  }

  /** Node ids that have events or checkpoints, sorted. */
  public Future<List<String>> nodes() {
    return pool.query(NODES).execute().map(rows -> {
      List<String> nodes = new ArrayList<>();
      rows.forEach(row -> nodes.add(row.getString("node_id")));
      return nodes;
    });
  }

  /** Verifies every node over {@code range}, one after the other. */
  public Future<List<VerificationReport>> verifyAll(VerificationRange range) {
    return nodes().compose(nodes -> {
      List<VerificationReport> reports = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (String node : nodes) {
        chain = chain.compose(v -> verify(node, range).map(report -> {
          reports.add(report);
          return null;
        }));
      }
      return chain.map(v -> reports);
    });
  }

  /** Verifies one node's chain over {@code range}. */
  public Future<VerificationReport> verify(String nodeId, VerificationRange range) {
    ChainedEvent.requireNodeId(nodeId);
    Objects.requireNonNull(range, "range");
    return bounds(nodeId, range).compose(bounds -> {
      if (bounds.isEmpty()) {
        return Future.succeededFuture(new VerificationReport(nodeId, 0, 0, 0, 0, Optional.empty()));
      }
      long first = bounds.get()[0];
      long last = bounds.get()[1];
      return checkpoints.load(nodeId, first, last).compose(pins -> anchor(nodeId, first).compose(anchor -> {
        Set<Long> pinnedSeqs = new HashSet<>();
        pins.forEach(pin -> pinnedSeqs.add(pin.seq()));
        ChainWalk walk = new ChainWalk(first, anchor, pinnedSeqs);
        return walkPages(nodeId, walk, first - 1, MAX_TIME, last).map(v -> {
          walk.finish(last);
          Optional<BrokenLink> pinBreak = checkPins(pins, walk);
          Optional<BrokenLink> firstBreak = Stream.of(walk.broken(), pinBreak)
              .flatMap(Optional::stream)
              .min(Comparator.comparingLong(BrokenLink::seq));
          return new VerificationReport(nodeId, first, last, walk.checked(), pins.size(), firstBreak);
        });
      }));
    });
  }

  /**
   * The sequence numbers {@link #verify} would walk for {@code nodeId} over {@code range}, or empty
   * when the range holds nothing; lets a caller verify a long range span by span and report progress.
   */
  public Future<Optional<SequenceSpan>> span(String nodeId, VerificationRange range) {
    ChainedEvent.requireNodeId(nodeId);
    Objects.requireNonNull(range, "range");
    return bounds(nodeId, range).map(bounds -> bounds.map(b -> new SequenceSpan(b[0], b[1])));
  }

  /** [first, last] sequence numbers to verify, empty when the range holds nothing. */
  private Future<Optional<long[]>> bounds(String nodeId, VerificationRange range) {
    if (range.byTime()) {
      OffsetDateTime from = range.from() == null ? MIN_TIME : range.from().atOffset(ZoneOffset.UTC);
      OffsetDateTime to = range.to() == null ? MAX_TIME : range.to().atOffset(ZoneOffset.UTC);
      Future<RowSet<Row>> events = pool.preparedQuery(TIME_BOUNDS).execute(Tuple.of(nodeId, from, to));
      Future<RowSet<Row>> pins = pool.preparedQuery(CHECKPOINT_BOUNDS).execute(Tuple.of(nodeId, from, to));
      return Future.all(events, pins).map(all -> {
        Row eventRow = events.result().iterator().next();
        Long pinnedHigh = pins.result().iterator().next().getLong("hi");
        Long lo = eventRow.getLong("lo");
        Long hi = max(eventRow.getLong("hi"), pinnedHigh);
        if (hi == null) {
          return Optional.empty();
        }
        return Optional.of(new long[] {lo == null ? hi : lo, hi});
      });
    }
    return pool.preparedQuery(BOUNDS).execute(Tuple.of(nodeId))
        .compose(rows -> checkpoints.load(nodeId, 1, Long.MAX_VALUE).map(pins -> {
          Row row = rows.iterator().next();
          Long lastPinned = pins.isEmpty() ? null : pins.get(pins.size() - 1).seq();
          Long lo = range.fromSeq() != null ? range.fromSeq() : row.getLong("lo");
          Long hi = range.toSeq() != null ? range.toSeq() : max(row.getLong("hi"), lastPinned);
          if (hi == null) {
            return Optional.empty();
          }
          long first = lo == null ? hi : lo;
          return first > hi ? Optional.empty() : Optional.of(new long[] {first, hi});
        }));
  }

  private Future<ChainHash> anchor(String nodeId, long firstSeq) {
    if (firstSeq == 1) {
      return Future.succeededFuture(ChainHash.GENESIS);
    }
    return pool.preparedQuery(ANCHOR).execute(Tuple.of(nodeId, firstSeq - 1)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      return ChainHash.of(rows.iterator().next().getBuffer("hash").getBytes());
    });
  }

  private Future<Void> walkPages(String nodeId, ChainWalk walk, long afterSeq, OffsetDateTime afterTs, long last) {
    return pool.preparedQuery(PAGE).execute(Tuple.of(nodeId, afterSeq, afterTs, last, PAGE_SIZE)).compose(rows -> {
      long lastSeq = afterSeq;
      OffsetDateTime lastTs = afterTs;
      for (Row row : rows) {
        lastSeq = row.getLong("seq");
        lastTs = row.getOffsetDateTime("ts");
        if (!walk.feed(parse(row))) {
          return Future.succeededFuture();
        }
      }
      if (rows.size() < PAGE_SIZE) {
        return Future.succeededFuture();
      }
      return walkPages(nodeId, walk, lastSeq, lastTs, last);
    });
  }

  private static ChainWalk.StoredRow parse(Row row) {
    long seq = row.getLong("seq");
    try {
      return new ChainWalk.StoredRow(seq, AuditRows.toEvent(row));
    } catch (RuntimeException e) {
      return new ChainWalk.StoredRow(seq, null);
    }
  }

  private Optional<BrokenLink> checkPins(List<Checkpoint> pins, ChainWalk walk) {
    long limit = walk.broken().map(BrokenLink::seq).orElse(Long.MAX_VALUE);
    long lastGood = 0;
    for (Checkpoint pin : pins) {
      if (pin.seq() >= limit) {
        break;
      }
      if (!pin.signatureValid(signer)) {
        return Optional.of(new BrokenLink(pin.seq(), BrokenLink.Kind.CHECKPOINT_FORGED,
            "checkpoint signature does not verify (key " + pin.keyId() + ")"));
      }
      Optional<ChainHash> stored = walk.pinnedHash(pin.seq());
      if (stored.isEmpty()) {
        return Optional.of(new BrokenLink(pin.seq(), BrokenLink.Kind.MISSING, "a signed checkpoint pins this event"));
      }
      if (!stored.get().equals(pin.hash())) {
        return Optional.of(new BrokenLink(pin.seq(), BrokenLink.Kind.CHECKPOINT_MISMATCH,
            "chain rewritten after seq " + lastGood + " (last matching checkpoint)"));
      }
      lastGood = pin.seq();
    }
    return Optional.empty();
  }

  private static Long max(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.max(a, b);
  }
}
