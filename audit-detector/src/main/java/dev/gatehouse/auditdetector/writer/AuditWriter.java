package dev.gatehouse.auditdetector.writer;

import dev.gatehouse.auditdetector.chain.ChainHasher;
import dev.gatehouse.auditdetector.chain.ChainHead;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.checkpoint.Checkpoint;
import dev.gatehouse.auditdetector.checkpoint.CheckpointSigner;
import dev.gatehouse.auditdetector.checkpoint.CheckpointStore;
import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.metrics.AuditMetrics;
import dev.gatehouse.auditdetector.spool.SpoolChunk;
import dev.gatehouse.auditdetector.spool.SpoolFile;
import dev.gatehouse.auditdetector.spool.SpoolFullException;
import dev.gatehouse.auditdetector.store.EventStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records audit events durably without ever blocking the caller.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>{@link #record} is lock-free, never blocks and never throws. It returns {@code false} only
 *       when the writer is closed or its queue is at capacity (by then {@link #admitting()} has
 *       been {@code false} since the queue passed the admission limit).
 *   <li>Every accepted event gets the next sequence number of this node and its chain hash
 *       ({@link ChainHasher}), in acceptance order, and is stored exactly once in
 *       {@code audit_events}: directly, or after a detour through the local spool. Ordering and
 *       exactly-once hold across PostgreSQL outages and restarts of this process; events still in
 *       memory when the process dies are lost (and show as a gap to {@code ChainVerifier}).
 *   <li>Batches are inserted with one statement per slice ({@link EventStore}, slices run
 *       concurrently, see {@link AuditWriterOptions#insertParallelism()}). If an insert fails or
 *       takes longer than {@link AuditWriterOptions#insertTimeout()}, that batch and every later
 *       one is appended to the spool (fsync per batch) until a probe finds the database again;
 *       the spool is then replayed in order, new events still going through the spool, and
 *       emptied once caught up. A replayed event that the database already holds is skipped.
 *   <li>{@link #admitting()} turns {@code false} when the spool is full or failing while events
 *       have to go there, or when the queue passes the admission limit; the gateway answers 503
 *       for new requests meanwhile so that no request goes unaudited.
 *   <li>After a database write, at most every {@link AuditWriterOptions#checkpointInterval()},
 *       the writer signs a {@link Checkpoint} of the last stored event and stores it. Checkpoint
 *       failures are logged and counted, never fatal.
 * </ul>
 *
 * <p><b>Threading.</b> The writer runs on its own event-loop context (a deployment of its own);
 * spool I/O and signing run on worker threads via ordered {@code executeBlocking}. At most one
 * storage step is in flight at a time.
 *
 * <p><b>Requirement.</b> One writer per node id at a time: two processes sharing a node id fork
 * the chain, which the verifier reports as tampering.
 */
public final class AuditWriter implements AuditSink {

  private enum Mode { DIRECT, SPOOLING, REPLAYING }

  private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);

  private final Vertx vertx;
  private final AuditWriterOptions options;
  private final EventStore store;
  private final CheckpointStore checkpoints;
  private final CheckpointSigner signer;
  private final Clock clock;
  private final AuditMetrics metrics;
  private final long insertTimeoutMillis;
  private final long retryNanos;
  private final long checkpointNanos;
  private final long lingerNanos;

  // Touched by any thread.
  private final ConcurrentLinkedQueue<AuditEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger depth = new AtomicInteger();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicBoolean pumpScheduled = new AtomicBoolean();
  private volatile boolean closed;
  private volatile boolean spoolAccepting = true;
  private volatile Context context;
  private volatile SpoolFile spool;
  private volatile String deploymentId;
  private volatile Future<Void> closing;
  private volatile long durableCount;
  private final List<Consumer<List<ChainedEvent>>> durableListeners = new CopyOnWriteArrayList<>();

  // Confined to the writer's context.
  private final ChainHasher hasher = new ChainHasher();
  private final List<Waiter> waiters = new ArrayList<>();
  private Mode mode;
  private ChainHead head;
  private ChainHead storedHead;
  private long checkpointedSeq;
  private long lastCheckpointNanos;
  private long nextProbeNanos;
  private long nextSpoolRetryNanos;
  private List<ChainedEvent> pending = List.of();
  private long durable;
  private long replayOffset;
  private boolean stepping;
  private boolean stopped;
  private long wakeTimer = -1;
  private long wakeDueNanos;
  private boolean lingering;
  private long lingerSinceNanos;
  private Promise<Void> finalCheckpoint;

  private AuditWriter(Vertx vertx, Pool pool, AuditWriterOptions options, CheckpointSigner signer,
      MeterRegistry registry, Clock clock) {
    this.vertx = vertx;
    this.options = options;
    this.store = new EventStore(pool);
    this.checkpoints = new CheckpointStore(pool);
    this.signer = signer;
    this.clock = clock;
    this.insertTimeoutMillis = options.insertTimeout().toMillis();
    this.retryNanos = options.retryInterval().toNanos();
    this.checkpointNanos = options.checkpointInterval().toNanos();
    this.lingerNanos = options.batchLinger().toNanos();
    this.metrics = new AuditMetrics(registry, options.nodeId(), depth::get,
        () -> spool == null ? 0 : spool.size(), this::admitting);
  }

  /**
   * Starts a writer: opens (and repairs) the spool, reads the chain head from the database and
   * the spool, and resumes the chain after the later of the two. A non-empty spool is replayed
   * first.
   *
   * @param vertx the Vert.x instance (the writer deploys itself on its own context)
   * @param pool reactive PostgreSQL pool with the audit migrations applied; owned by the caller
   * @param options settings, see {@link AuditWriterOptions}
   * @param signer signs checkpoints, see {@link CheckpointSigner}
   * @param registry where the meters of {@link AuditMetrics} are registered
   * @return the running writer; a failed future with {@link AuditWriterException} when the
   *     database is unreachable and the spool is empty (the chain cannot be continued safely), or
   *     when the spool is behind the database (stale spool or altered database), or with the
   *     {@link IOException} of an unusable spool directory
   */
  public static Future<AuditWriter> start(Vertx vertx, Pool pool, AuditWriterOptions options,
      CheckpointSigner signer, MeterRegistry registry) {
    return start(vertx, pool, options, signer, registry, Clock.systemUTC());
  }

  /**
   * As {@link #start(Vertx, Pool, AuditWriterOptions, CheckpointSigner, MeterRegistry)}, with the
   * clock that timestamps checkpoints.
   */
  public static Future<AuditWriter> start(Vertx vertx, Pool pool, AuditWriterOptions options,
      CheckpointSigner signer, MeterRegistry registry, Clock clock) {
    AuditWriter writer = new AuditWriter(Objects.requireNonNull(vertx, "vertx"), Objects.requireNonNull(pool, "pool"),
        Objects.requireNonNull(options, "options"), Objects.requireNonNull(signer, "signer"),
        Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(clock, "clock"));
    Deployable deployable = writer::init;
    return vertx.deployVerticle(deployable).map(id -> {
      writer.deploymentId = id;
      return writer;
    });
  }

  /**
   * Queues an event. Never blocks, never throws.
   *
   * @return {@code true} if the event was accepted and will be stored; {@code false} if it was
   *     refused (writer closed, queue full, or {@code null} event), counted in
   *     {@value AuditMetrics#EVENTS_DROPPED}
   */
  @Override
  public boolean record(AuditEvent event) {
    if (event == null || closed) {
      metrics.eventDropped();
      return false;
    }
    int queued = depth.incrementAndGet();
    if (queued > options.queueCapacity()) {
      depth.decrementAndGet();
      metrics.eventDropped();
      return false;
    }
    accepted.incrementAndGet();
    queue.offer(event);
    // The pump comes back by itself while events are queued (after each step, or when a linger
    // ends); it needs waking only when the queue stops being empty or a batch fills.
    if (queued == 1 || queued == options.batchSize()) {
      schedulePump();
    }
    return true;
  }

  /**
   * Whether the gateway may admit new requests: {@code false} while the spool is full or failing
   * and events must go there, while the queue is at or beyond the admission limit, and after
   * {@link #close()}.
   */
  @Override
  public boolean admitting() {
    return !closed && spoolAccepting && depth.get() < options.admissionLimit();
  }

  /** Events accepted and not yet taken into a batch. */
  public int queueDepth() {
    return depth.get();
  }

  /**
   * Registers a listener that receives every batch of new events, in chain order, as soon as it
   * is stored or spooled (events replayed from the spool were handed over when they were
   * spooled). It runs on the writer's context: it must return quickly and never block. Events
   * accepted before the registration are not handed over.
   */
  public void onDurable(Consumer<List<ChainedEvent>> listener) {
    durableListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Whether every event accepted so far has been stored or spooled (and handed to the
   * {@link #onDurable} listeners): a consumer that sees {@code true} knows no older event is
   * still on its way.
   */
  public boolean settled() {
    return durableCount >= accepted.get();
  }

  /** This writer's node id. */
  public String nodeId() {
    return options.nodeId();
  }

  /**
   * Completes when at least as many events are stored or spooled as had been accepted when it
   * was called. Never fails; it may wait indefinitely while both the database and the spool are
   * unavailable.
   */
  public Future<Void> flush() {
    return awaitDurable(false);
  }

  /**
   * Completes when everything accepted so far is stored or spooled and, if
   * {@code untilReplayed}, no replay is in progress (the database is unreachable or caught up).
   */
  private Future<Void> awaitDurable(boolean untilReplayed) {
    long target = accepted.get();
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> {
      waiters.add(new Waiter(target, untilReplayed, promise));
      settleWaiters();
      pumpNow();
    });
    return promise.future();
  }

  /**
   * Stops accepting events, stores or spools what is queued, finishes replaying the spool while
   * the database is reachable, writes a final checkpoint when it is, and releases the spool, the
   * gauges and the writer's context. Events left in the spool are replayed by the next writer
   * started for this node. Idempotent.
   *
   * @return succeeds once everything accepted is stored or spooled; fails with
   *     {@link AuditWriterException} if that did not happen within
   *     {@link AuditWriterOptions#closeTimeout()} (the writer is released anyway)
   */
  public synchronized Future<Void> close() {
    if (closing == null) {
      closed = true;
      Promise<Void> done = Promise.promise();
      awaitDurable(true).timeout(options.closeTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .compose(v -> finalCheckpoint())
          .onComplete(drained -> shutdown().onComplete(released -> {
            if (drained.succeeded()) {
              done.complete();
            } else {
              done.fail(new AuditWriterException("audit writer closed with events neither stored nor spooled",
                  drained.cause()));
            }
          }));
      closing = done.future();
    }
    return closing;
  }

  // ---------------------------------------------------------------- start

  private Future<?> init(Context ctx) {
    this.context = ctx;
    return vertx.executeBlocking(() -> SpoolFile.open(options.spoolDirectory(), options.nodeId(),
            options.spoolMaxBytes()))
        .compose(opened -> {
          spool = opened;
          return store.head(options.nodeId()).timeout(insertTimeoutMillis, TimeUnit.MILLISECONDS)
              .transform(this::resume);
        })
        .onFailure(e -> closeSpool());
  }

  private Future<Void> resume(AsyncResult<ChainHead> database) {
    ChainHead spooled = spool.last().map(ChainHead::of).orElse(null);
    long now = System.nanoTime();
    lastCheckpointNanos = now;
    if (database.failed()) {
      if (spooled == null) {
        return Future.failedFuture(new AuditWriterException(
            "audit database unreachable and spool empty: cannot continue the chain", database.cause()));
      }
      LOG.warn("audit database unreachable at start; continuing the chain from the spool at seq {}", spooled.seq());
      head = spooled;
      storedHead = null;
      mode = Mode.SPOOLING;
      nextProbeNanos = now + retryNanos;
      schedulePump();
      return Future.succeededFuture();
    }
    ChainHead stored = database.result();
    storedHead = stored;
    if (spooled == null) {
      head = stored;
      mode = Mode.DIRECT;
      return Future.succeededFuture();
    }
    if (spooled.seq() < stored.seq()) {
      return Future.failedFuture(new AuditWriterException("audit spool ends at seq " + spooled.seq()
          + " but the database holds seq " + stored.seq() + " for node " + options.nodeId()
          + ": stale spool or altered database; run audit verify", null));
    }
    LOG.info("audit spool holds events up to seq {}; replaying", spooled.seq());
    head = spooled;
    mode = Mode.REPLAYING;
    schedulePump();
    return Future.succeededFuture();
  }

  // ---------------------------------------------------------------- pump

  private void schedulePump() {
    if (pumpScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> pump());
    }
  }

  private void pumpNow() {
    pumpScheduled.set(true);
    pump();
  }

  private void pump() {
    pumpScheduled.set(false);
    if (stepping || stopped) {
      return;
    }
    Future<Void> step;
    try {
      step = nextStep();
    } catch (RuntimeException e) {
      LOG.error("audit writer step failed; retrying", e);
      wakeAt(System.nanoTime() + retryNanos, System.nanoTime());
      return;
    }
    if (step == null) {
      settleWaiters();
      return;
    }
    stepping = true;
    step.onComplete(ar -> {
      stepping = false;
      if (ar.failed()) {
        LOG.error("audit writer step failed", ar.cause());
      }
      settleWaiters();
      schedulePump();
    });
  }

  private Future<Void> nextStep() {
    long now = System.nanoTime();
    if (pending.isEmpty() && depth.get() > 0 && !lingering(now)) {
      pending = takeBatch();
    }
    switch (mode) {
      case DIRECT:
        if (!pending.isEmpty()) {
          return insertPending();
        }
        if (finalCheckpoint != null || checkpointDue(now)) {
          return checkpoint();
        }
        if (storedHead != null && storedHead.seq() > checkpointedSeq) {
          wakeAt(lastCheckpointNanos + checkpointNanos, now);
        }
        return null;
      case SPOOLING:
        completeFinalCheckpoint();
        if (now - nextProbeNanos >= 0) {
          return probe();
        }
        if (!pending.isEmpty() && (spoolAccepting || now - nextSpoolRetryNanos >= 0)) {
          return spoolPending();
        }
        wakeAt(pending.isEmpty() || spoolAccepting ? nextProbeNanos
            : Math.min(nextProbeNanos, nextSpoolRetryNanos), now);
        return null;
      case REPLAYING:
        completeFinalCheckpoint();
        if (!pending.isEmpty() && (spoolAccepting || now - nextSpoolRetryNanos >= 0)) {
          return spoolPending();
        }
        return replayChunk();
      default:
        throw new IllegalStateException("unknown mode");
    }
  }

  /**
   * Whether to wait for the queued events to make a fuller batch: not once a batch is full or the
   * first of them has waited {@link AuditWriterOptions#batchLinger()}, nor while anyone awaits
   * durability or the writer is closing.
   */
  private boolean lingering(long now) {
    if (depth.get() >= options.batchSize() || !waiters.isEmpty() || closed || finalCheckpoint != null) {
      return false;
    }
    if (!lingering) {
      lingering = true;
      lingerSinceNanos = now;
    }
    long due = lingerSinceNanos + lingerNanos;
    if (now - due >= 0) {
      return false;
    }
    wakeAt(due, now);
    return true;
  }

  private List<ChainedEvent> takeBatch() {
    lingering = false;
    List<ChainedEvent> batch = new ArrayList<>(Math.min(options.batchSize(), depth.get()));
    AuditEvent event;
    while (batch.size() < options.batchSize() && (event = queue.poll()) != null) {
      ChainedEvent linked = hasher.link(options.nodeId(), head.seq() + 1, head.hash(), event);
      head = ChainHead.of(linked);
      batch.add(linked);
    }
    depth.addAndGet(-batch.size());
    return batch;
  }

  // ---------------------------------------------------------------- steps

  private Future<Void> insertPending() {
    List<ChainedEvent> batch = pending;
    long start = System.nanoTime();
    Future<Integer> insert = store.insert(batch, options.insertParallelism());
    return insert.timeout(insertTimeoutMillis, TimeUnit.MILLISECONDS).transform(ar -> {
      if (ar.succeeded()) {
        metrics.batchWritten(batch.size(), System.nanoTime() - start);
        stored(batch, true);
        return checkpointDue(System.nanoTime()) ? checkpoint() : Future.succeededFuture();
      }
      LOG.warn("audit database unavailable ({}); spooling", ar.cause().toString());
      mode = Mode.SPOOLING;
      nextProbeNanos = System.nanoTime() + retryNanos;
      return Future.succeededFuture();
    });
  }

  private Future<Void> spoolPending() {
    List<ChainedEvent> batch = pending;
    long start = System.nanoTime();
    return vertx.<Void>executeBlocking(() -> {
      spool.append(batch);
      return null;
    }, true).transform(ar -> {
      if (ar.succeeded()) {
        metrics.batchSpooled(batch.size(), System.nanoTime() - start);
        stored(batch, false);
        if (!spoolAccepting) {
          LOG.info("audit spool accepting again");
        }
        spoolAccepting = true;
      } else {
        if (spoolAccepting) {
          if (ar.cause() instanceof SpoolFullException) {
            LOG.error("audit spool full ({}); not admitting requests", ar.cause().getMessage());
          } else {
            LOG.error("audit spool write failed; not admitting requests", ar.cause());
          }
        }
        spoolAccepting = false;
        nextSpoolRetryNanos = System.nanoTime() + retryNanos;
      }
      return Future.succeededFuture();
    });
  }

  private Future<Void> probe() {
    return store.ping().timeout(insertTimeoutMillis, TimeUnit.MILLISECONDS).transform(ar -> {
      if (ar.succeeded()) {
        LOG.info("audit database reachable; replaying the spool");
        mode = Mode.REPLAYING;
      } else {
        nextProbeNanos = System.nanoTime() + retryNanos;
      }
      return Future.succeededFuture();
    });
  }

  private Future<Void> replayChunk() {
    return vertx.executeBlocking(() -> spool.read(replayOffset, options.batchSize()), true)
        .compose(this::replay)
        .recover(err -> {
          LOG.warn("audit spool replay interrupted ({}); spooling", err.toString());
          mode = Mode.SPOOLING;
          nextProbeNanos = System.nanoTime() + retryNanos;
          return Future.succeededFuture();
        });
  }

  private Future<Void> replay(SpoolChunk chunk) {
    if (chunk.events().isEmpty()) {
      return vertx.<Void>executeBlocking(() -> {
        spool.clear();
        return null;
      }, true).map(v -> {
        LOG.info("audit spool replayed and emptied");
        replayOffset = 0;
        mode = Mode.DIRECT;
        spoolAccepting = true;
        return null;
      });
    }
    long start = System.nanoTime();
    Future<Integer> insert = store.replay(chunk.events(), options.insertParallelism());
    return insert.timeout(insertTimeoutMillis, TimeUnit.MILLISECONDS).compose(inserted -> {
      metrics.batchReplayed(chunk.events().size(), System.nanoTime() - start);
      replayOffset = chunk.nextOffset();
      storedHead = ChainHead.of(chunk.events().get(chunk.events().size() - 1));
      return checkpointDue(System.nanoTime()) ? checkpoint() : Future.succeededFuture();
    });
  }

  private boolean checkpointDue(long now) {
    return storedHead != null && storedHead.seq() > checkpointedSeq && now - lastCheckpointNanos >= checkpointNanos;
  }

  private Future<Void> checkpoint() {
    ChainHead target = storedHead;
    lastCheckpointNanos = System.nanoTime();
    if (target == null || target.seq() <= checkpointedSeq) {
      completeFinalCheckpoint();
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> Checkpoint.sign(options.nodeId(), target.seq(), target.hash(),
            clock.instant(), signer), true)
        .compose(checkpoints::insert)
        .transform(ar -> {
          if (ar.succeeded()) {
            checkpointedSeq = target.seq();
            metrics.checkpoint(true);
          } else {
            LOG.warn("audit checkpoint at seq {} failed ({})", target.seq(), ar.cause().toString());
            metrics.checkpoint(false);
          }
          completeFinalCheckpoint();
          return Future.succeededFuture();
        });
  }

  // ---------------------------------------------------------------- bookkeeping

  private void stored(List<ChainedEvent> batch, boolean inDatabase) {
    durable += batch.size();
    pending = List.of();
    if (inDatabase) {
      storedHead = ChainHead.of(batch.get(batch.size() - 1));
    }
    for (Consumer<List<ChainedEvent>> listener : durableListeners) {
      try {
        listener.accept(batch);
      } catch (RuntimeException e) {
        LOG.error("audit durable-event listener failed", e);
      }
    }
    durableCount = durable;
  }

  private void settleWaiters() {
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      if (durable >= waiter.target() && !(waiter.untilReplayed() && mode == Mode.REPLAYING)) {
        it.remove();
        waiter.promise().complete();
      }
    }
  }

  /** Makes sure the pump runs again by {@code dueNanos}; an earlier wake-up replaces a later one. */
  private void wakeAt(long dueNanos, long now) {
    if (wakeTimer != -1) {
      if (dueNanos - wakeDueNanos >= 0) {
        return;
      }
      vertx.cancelTimer(wakeTimer);
    }
    long delayMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(dueNanos - now) + 1);
    wakeDueNanos = dueNanos;
    wakeTimer = vertx.setTimer(delayMillis, id -> {
      wakeTimer = -1;
      pumpNow();
    });
  }

  private Future<Void> finalCheckpoint() {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> {
      finalCheckpoint = promise;
      pumpNow();
    });
    return promise.future();
  }

  private void completeFinalCheckpoint() {
    if (finalCheckpoint != null) {
      Promise<Void> promise = finalCheckpoint;
      finalCheckpoint = null;
      promise.complete();
    }
  }

  private Future<Void> shutdown() {
    Promise<Void> promise = Promise.promise();
    metrics.removeGauges();
    context.runOnContext(v -> {
      stopped = true;
      if (wakeTimer != -1) {
        vertx.cancelTimer(wakeTimer);
        wakeTimer = -1;
      }
      vertx.<Void>executeBlocking(() -> {
        closeSpool();
        return null;
      }, true).transform(ar -> deploymentId == null ? Future.<Void>succeededFuture() : vertx.undeploy(deploymentId))
          .onComplete(ar -> promise.complete());
    });
    return promise.future();
  }

  private void closeSpool() {
    SpoolFile current = spool;
    if (current != null) {
      try {
        current.close();
      } catch (IOException e) {
        LOG.warn("closing the audit spool failed", e);
      }
    }
  }

  private record Waiter(long target, boolean untilReplayed, Promise<Void> promise) {
  }
}
