package dev.gatehouse.auditdetector.live;

import dev.gatehouse.auditdetector.alert.AlertStore;
import dev.gatehouse.auditdetector.alert.Raised;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.detect.DetectionEngine;
import dev.gatehouse.auditdetector.detect.EngineOptions;
import dev.gatehouse.auditdetector.detect.EngineStats;
import dev.gatehouse.auditdetector.detect.Finding;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.auditdetector.store.AuditRows;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link DetectionEngine} over the audit trail as it is written, stores its findings as
 * alerts ({@link AlertStore}) and hands newly stored ones to an {@link AlertListener}.
 *
 * <p><b>Sources.</b> Events arrive either in-process ({@link #accept}, registered as the audit
 * writer's durable-event listener: a node evaluating its own events) or, in {@linkplain
 * Mode#FOLLOW follow} mode, by polling PostgreSQL for every node's new events. In both modes the
 * detector first catches up from PostgreSQL, per node, from its stored read position
 * ({@code detector_cursors}); an in-process batch that does not continue the node's sequence
 * triggers another catch-up first.
 *
 * <p><b>Exactly once.</b> Events are evaluated in sequence order per node; an event at or below
 * the node's last accepted sequence number is skipped. Findings and the read position (the highest
 * sequence number below which nothing is still held for lateness) are stored in one transaction,
 * with every batch that raised findings and otherwise at most every {@value #CURSOR_SAVE_MS} ms.
 * After a clean {@link #stop()} the next start continues with the next event, so no event is
 * skipped or evaluated twice. After a crash, the events after the last stored position (at most
 * about a second's worth plus the lateness) are evaluated again; a failed store is retried with
 * the next step, findings included.
 *
 * <p><b>Time.</b> The engine's watermark advances with event time. While no event is in flight
 * ({@code settled}), a heartbeat every {@value #HEARTBEAT_MS} ms moves it to the wall clock, so a
 * finding is emitted at most the lateness plus one heartbeat after its decisive event.
 *
 * <p><b>Threading.</b> Everything runs on one Vert.x context, one step at a time; engine state is
 * in memory (windows start empty after a restart).
 */
public final class LiveDetector {

  /** Where events come from. */
  public enum Mode {
    /** Only {@code node}'s events, handed over in-process; catch-up from PostgreSQL at start and on gaps. */
    IN_PROCESS,
    /** Every node's events, polled from PostgreSQL every {@link #FOLLOW_POLL_MS} ms. */
    FOLLOW
  }

  /** Lateness for in-process use: {@value} ms (one node's events arrive in order). */
  public static final long IN_PROCESS_LATENESS_MS = 500;
  /** Heartbeat period: {@value} ms. */
  public static final long HEARTBEAT_MS = 100;
  /** Events read per catch-up query: {@value}. */
  public static final int PAGE = 1_000;
  /** Without findings, the read position is stored at most this often: {@value} ms. */
  public static final long CURSOR_SAVE_MS = 1_000;
  /** Poll period in follow mode: {@value} ms. */
  public static final long FOLLOW_POLL_MS = 500;

  private static final Logger LOG = LoggerFactory.getLogger(LiveDetector.class);

  private final Vertx vertx;
  private final Pool pool;
  private final AlertStore alerts;
  private final DetectionEngine engine;
  private final AlertListener listener;
  private final Mode mode;
  private final String ownNode;
  private final BooleanSupplier settled;
  private final Context context;
  private final Map<String, Long> lastAccepted = new ConcurrentHashMap<>();
  private final List<Finding> unsaved = new ArrayList<>();
  private final AtomicInteger queued = new AtomicInteger();
  private Future<Void> tail = Future.succeededFuture();
  private long timer = -1;
  private long lastSave = System.nanoTime();
  private boolean stopped;
  private volatile EngineStats stats;

  private LiveDetector(Vertx vertx, Pool pool, List<RuleDefinition> rules, EngineOptions options,
      AlertListener listener, Mode mode, String ownNode, BooleanSupplier settled) {
    this.vertx = vertx;
    this.pool = pool;
    this.alerts = new AlertStore(pool);
    this.engine = new DetectionEngine(rules, options);
    this.listener = listener;
    this.mode = mode;
    this.ownNode = ownNode;
    this.settled = settled;
    this.context = vertx.getOrCreateContext();
    this.stats = engine.stats();
  }

  /**
   * Evaluates {@code node}'s own events, handed over with {@link #accept}; {@code settled} tells
   * whether an event is still on its way (the audit writer's {@code settled()}). Register
   * {@link #accept} with the writer before calling {@link #start()}.
   */
  public static LiveDetector inProcess(Vertx vertx, Pool pool, List<RuleDefinition> rules, EngineOptions options,
      AlertListener listener, String node, BooleanSupplier settled) {
    return new LiveDetector(vertx, pool, rules, options, listener, Mode.IN_PROCESS, node, settled);
  }

  /** Follows every node's events in PostgreSQL. */
  public static LiveDetector follow(Vertx vertx, Pool pool, List<RuleDefinition> rules, EngineOptions options,
      AlertListener listener) {
    return new LiveDetector(vertx, pool, rules, options, listener, Mode.FOLLOW, null, () -> true);
  }

  /** Loads the read positions, catches up and starts the heartbeat (and polling, in follow mode). */
  public Future<Void> start() {
    Future<Void> started = step(() -> alerts.cursors().compose(cursors -> {
      lastAccepted.putAll(cursors);
      return mode == Mode.IN_PROCESS ? catchUp(ownNode, Long.MAX_VALUE) : catchUpAll();
    }));
    return started.onSuccess(v -> context.runOnContext(x -> {
      if (!stopped) {
        timer = vertx.setPeriodic(HEARTBEAT_MS, id -> tick());
      }
    }));
  }

  /**
   * Hands over a batch of one node's events in chain order (from any thread); they are evaluated
   * after everything handed over before.
   */
  public void accept(List<ChainedEvent> batch) {
    if (batch.isEmpty()) {
      return;
    }
    List<ChainedEvent> copy = List.copyOf(batch);
    context.runOnContext(v -> step(() -> evaluate(copy)));
  }

  /** Evaluates what is still held, stores the last findings and read position, and stops. */
  public Future<Void> stop() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      stopped = true;
      if (timer != -1) {
        vertx.cancelTimer(timer);
      }
      step(() -> {
        unsaved.addAll(engine.flush());
        return persist(true);
      }).onComplete(done);
    });
    return done.future();
  }

  /**
   * Evaluates with {@code rules} from the next step on, after everything handed over before
   * ({@link DetectionEngine#replaceRules}: unchanged rules keep their state).
   */
  public Future<Void> replaceRules(List<RuleDefinition> rules) {
    List<RuleDefinition> copy = List.copyOf(rules);
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> step(() -> {
      engine.replaceRules(copy);
      return Future.succeededFuture();
    }).onComplete(done));
    return done.future();
  }

  /** The highest sequence number of {@code node}'s events read so far (0 before any); from any thread. */
  public long position(String node) {
    return lastAccepted.getOrDefault(node, 0L);
  }

  /** The engine's counters as of the last completed step. */
  public EngineStats stats() {
    return stats;
  }

  private void tick() {
    if (queued.get() > 0 || stopped) {
      return;
    }
    if (mode == Mode.FOLLOW) {
      step(this::catchUpAll);
    } else if (settled.getAsBoolean()) {
      step(() -> {
        unsaved.addAll(engine.advanceTo(Instant.now()));
        return persist();
      });
    }
  }

  /** Appends a step to the chain; one step runs at a time, in order; a failed step is logged. */
  private Future<Void> step(Supplier<Future<Void>> work) {
    queued.incrementAndGet();
    tail = tail.transform(ignored -> {
      Future<Void> result;
      try {
        result = work.get();
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      return result.onComplete(ar -> {
        queued.decrementAndGet();
        stats = engine.stats();
        if (ar.failed()) {
          LOG.warn("detector step failed: kind={}", ar.cause().getClass().getSimpleName());
        }
      });
    });
    return tail;
  }

  private Future<Void> evaluate(List<ChainedEvent> batch) {
    String node = batch.get(0).nodeId();
    long last = lastAccepted.getOrDefault(node, 0L);
    Future<Void> before = batch.get(0).seq() > last + 1 ? catchUp(node, batch.get(0).seq() - 1)
        : Future.succeededFuture();
    return before.compose(v -> {
      feed(batch);
      return persist();
    });
  }

  private void feed(List<ChainedEvent> events) {
    for (ChainedEvent event : events) {
      long last = lastAccepted.getOrDefault(event.nodeId(), 0L);
      if (event.seq() <= last) {
        continue;
      }
      unsaved.addAll(engine.accept(event));
      lastAccepted.put(event.nodeId(), event.seq());
    }
  }

  private Future<Void> catchUpAll() {
    return pool.query("SELECT DISTINCT node_id FROM audit_events").execute().compose(rows -> {
      Set<String> nodes = new TreeSet<>();
      rows.forEach(row -> nodes.add(row.getString("node_id")));
      Future<Void> chain = Future.succeededFuture();
      for (String node : nodes) {
        chain = chain.compose(v -> catchUp(node, Long.MAX_VALUE));
      }
      return chain.compose(v -> {
        unsaved.addAll(engine.advanceTo(Instant.now()));
        return persist();
      });
    });
  }

  /** Reads and evaluates {@code node}'s stored events after its last accepted one, up to {@code upTo}. */
  private Future<Void> catchUp(String node, long upTo) {
    long after = lastAccepted.getOrDefault(node, 0L);
    if (after >= upTo) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("SELECT " + AuditRows.COLUMNS + " FROM audit_events WHERE node_id = $1 AND seq > $2 "
            + "AND seq <= $3 ORDER BY seq LIMIT " + PAGE)
        .execute(Tuple.of(node, after, upTo))
        .compose(rows -> {
          List<ChainedEvent> page = new ArrayList<>(rows.rowCount());
          for (Row row : rows) {
            page.add(AuditRows.toEvent(row));
          }
          feed(page);
          Future<Void> saved = persist();
          return page.size() == PAGE ? saved.compose(v -> catchUp(node, upTo)) : saved;
        });
  }

  private Future<Void> persist() {
    return persist(false);
  }

  /**
   * Stores pending findings with the read positions, then hands what was stored to the listener.
   * Without findings, the read position alone is stored at most every {@value #CURSOR_SAVE_MS} ms
   * unless {@code force}.
   */
  private Future<Void> persist(boolean force) {
    long now = System.nanoTime();
    if (unsaved.isEmpty() && !force && now - lastSave < CURSOR_SAVE_MS * 1_000_000L) {
      return Future.succeededFuture();
    }
    lastSave = now;
    Map<String, Long> cursors = new HashMap<>();
    lastAccepted.forEach((node, seq) -> cursors.put(node, engine.evaluatedThrough(node, seq)));
    List<Finding> batch = List.copyOf(unsaved);
    return alerts.record(batch, cursors).map(raised -> {
      unsaved.subList(0, batch.size()).clear();
      if (!raised.isEmpty()) {
        try {
          listener.raised(raised);
        } catch (RuntimeException e) {
          LOG.error("alert listener failed", e);
        }
      }
      return null;
    });
  }
}
