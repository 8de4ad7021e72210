package dev.gatehouse.auditdetector.detect;

import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.rules.DetectionEvent;
import dev.gatehouse.auditdetector.rules.EventField;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Evaluates detection rules over audit events and emits {@link Finding}s.
 *
 * <p><b>Time.</b> Everything runs on event time (the events' {@code ts}). The watermark is the
 * newest event time seen. Events are held for {@link EngineOptions#allowedLateness()} behind the
 * watermark and then released to the rules in event-time order, so events from several nodes may
 * arrive slightly out of order. An event that arrives with a time before the release frontier
 * (watermark minus lateness, or the last released time) is not evaluated; it is counted in
 * {@link EngineStats#lateEventsDropped()} (it stays in the audit trail, where a catch-up query
 * can still find it). Findings are therefore emitted up to the lateness after their decisive
 * event, or at {@link #advanceTo} / {@link #flush()}.
 *
 * <p><b>Windows</b> slide: each is evaluated as it ends at every matching event, so a burst that
 * straddles a minute or hour boundary is seen whole.
 *
 * <p><b>Memory</b> is bounded per rule: at most {@link EngineOptions#maxEntitiesPerRule()} entities
 * (least recently active evicted), entities idle longer than the rule's window or history forgotten
 * (swept once per minute of event time), at most {@link #MAX_WINDOW_EVENTS} events in one entity's
 * window and {@link #MAX_TERMS_PER_ENTITY} terms per first-seen entity.
 *
 * <p><b>Threading.</b> Not thread-safe: one thread (for example one Vert.x context) feeds the
 * engine and receives its findings. There is no locking on the hot path.
 */
public final class DetectionEngine {

  /** Evidence references per finding: {@value}, the newest kept. */
  public static final int MAX_EVIDENCE = 10;
  /** Events held per entity window: {@value}; older ones are dropped first. */
  public static final int MAX_WINDOW_EVENTS = 10_000;
  /** Terms remembered per first-seen entity: {@value}. */
  public static final int MAX_TERMS_PER_ENTITY = 256;

  private static final long SWEEP_INTERVAL_MICROS = 60_000_000L;

  /** A rule with its evaluator and the index of its entity key among the distinct entity field lists. */
  private record CompiledRule(RuleDefinition definition, RuleEvaluator<?> evaluator, int entityGroup) {
  }

  private record Pending(long timeMicros, long arrival, DetectionEvent event) {
  }

  private final List<CompiledRule> rules = new ArrayList<>();
  private final EngineOptions options;
  /** Entity keys of the event being evaluated, per entity group, computed at most once (and shared by rules). */
  private String[] entityKeys;
  private boolean[] entityKnown;
  private final long latenessMicros;
  private final AlertGate gate;
  private final ChainGapTracker gaps = new ChainGapTracker();
  private final PriorityQueue<Pending> pending = new PriorityQueue<>(
      Comparator.comparingLong(Pending::timeMicros).thenComparingLong(Pending::arrival));
  private long arrivals;
  private long watermark = Long.MIN_VALUE;
  private long releasedUpTo = Long.MIN_VALUE;
  private long lastSweep = Long.MIN_VALUE;
  private long evaluated;
  private long lateDropped;

  /** An engine running {@code rules} with {@code options}. */
  public DetectionEngine(List<RuleDefinition> rules, EngineOptions options) {
    this.options = options;
    compile(rules);
    this.latenessMicros = RuleEvaluator.micros(options.allowedLateness());
    this.gate = new AlertGate(RuleEvaluator.micros(options.rearmInterval()), options.maxOpenAlerts());
  }

  /**
   * Runs {@code next} from the next evaluated event on (a reload). A rule whose definition is
   * unchanged keeps its state (windows, baselines, first-seen terms); a new or changed rule starts
   * empty; a removed rule's state is dropped. Held events and open-alert gating are kept.
   */
  public void replaceRules(List<RuleDefinition> next) {
    Map<RuleDefinition, RuleEvaluator<?>> running = new HashMap<>();
    rules.forEach(rule -> running.put(rule.definition(), rule.evaluator()));
    rules.clear();
    compile(next, running);
  }

  private void compile(List<RuleDefinition> definitions) {
    compile(definitions, Map.of());
  }

  private void compile(List<RuleDefinition> definitions, Map<RuleDefinition, RuleEvaluator<?>> running) {
    List<List<String>> groups = new ArrayList<>();
    for (RuleDefinition rule : definitions) {
      List<String> names = rule.entity().stream().map(EventField::name).toList();
      int group = groups.indexOf(names);
      if (group < 0) {
        groups.add(names);
        group = groups.size() - 1;
      }
      RuleEvaluator<?> evaluator = running.get(rule);
      rules.add(new CompiledRule(rule,
          evaluator != null ? evaluator : RuleEvaluator.of(rule.aggregation(), options.maxEntitiesPerRule()), group));
    }
    this.entityKeys = new String[groups.size()];
    this.entityKnown = new boolean[groups.size()];
  }

  /** Accepts a decision without a chain position (no audit-gap detection for it). */
  public List<Finding> accept(AuditEvent event) {
    return offer(DetectionEvent.of(event));
  }

  /** Accepts a chained event; its node's sequence numbers are checked for gaps. */
  public List<Finding> accept(ChainedEvent event) {
    return offer(DetectionEvent.of(event, gaps.gapBefore(event.nodeId(), event.seq())));
  }

  /**
   * Accepts an event whose gap was measured elsewhere: an evaluation that moves events in time
   * keeps the gap each had in its node's written chain.
   */
  public List<Finding> accept(DetectionEvent event) {
    return offer(event);
  }

  /**
   * Accepts a stored or exported event document ({@code ChainedEvent.toJson()}).
   *
   * @throws IllegalArgumentException if the document is not a valid chained event
   */
  public List<Finding> acceptJson(JsonObject document) {
    return accept(ChainedEvent.fromJson(document));
  }

  /** Moves the watermark to {@code now} (a heartbeat while no events arrive) and releases what is due. */
  public List<Finding> advanceTo(Instant now) {
    watermark = Math.max(watermark, toMicros(now));
    List<Finding> findings = new ArrayList<>();
    release(watermark - latenessMicros, findings);
    return findings;
  }

  /** Releases every held event (end of a stream). */
  public List<Finding> flush() {
    List<Finding> findings = new ArrayList<>();
    release(Long.MAX_VALUE, findings);
    return findings;
  }

  /**
   * The highest sequence number of {@code nodeId} such that no event of that node at or below it
   * is still held for lateness: {@code lastAccepted} when none of the node's events is held, else
   * one below the lowest held. A consumer stores this as its read position, so that after a
   * restart it re-reads exactly the events that were accepted but not yet evaluated.
   */
  public long evaluatedThrough(String nodeId, long lastAccepted) {
    long lowest = Long.MAX_VALUE;
    for (Pending held : pending) {
      if (nodeId.equals(held.event().nodeId())) {
        lowest = Math.min(lowest, held.event().seq());
      }
    }
    return lowest == Long.MAX_VALUE ? lastAccepted : Math.min(lastAccepted, lowest - 1);
  }

  /** What the engine has done so far. */
  public EngineStats stats() {
    long suppressed = gate.suppressed();
    long evicted = 0;
    long tracked = 0;
    for (CompiledRule rule : rules) {
      evicted += rule.evaluator().evicted();
      tracked += rule.evaluator().entities();
    }
    return new EngineStats(evaluated, lateDropped, suppressed, evicted, tracked);
  }

  private List<Finding> offer(DetectionEvent event) {
    long time = event.timeMicros();
    long frontier = Math.max(releasedUpTo, watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark - latenessMicros);
    if (time < frontier) {
      lateDropped++;
      return List.of();
    }
    pending.add(new Pending(time, arrivals++, event));
    watermark = Math.max(watermark, time);
    List<Finding> findings = new ArrayList<>(0);
    release(watermark - latenessMicros, findings);
    return findings;
  }

  private void release(long upTo, List<Finding> findings) {
    while (!pending.isEmpty() && pending.peek().timeMicros() <= upTo) {
      Pending next = pending.poll();
      releasedUpTo = next.timeMicros();
      evaluate(next.event(), next.timeMicros(), findings);
    }
  }

  private void evaluate(DetectionEvent event, long time, List<Finding> findings) {
    evaluated++;
    if (lastSweep == Long.MIN_VALUE || time - lastSweep >= SWEEP_INTERVAL_MICROS) {
      lastSweep = time;
      for (CompiledRule rule : rules) {
        rule.evaluator().evictIdle(time);
      }
    }
    java.util.Arrays.fill(entityKnown, false);
    for (CompiledRule rule : rules) {
      RuleDefinition definition = rule.definition();
      if (!definition.where().test(event)) {
        continue;
      }
      int group = rule.entityGroup();
      if (!entityKnown[group]) {
        entityKeys[group] = definition.entityOf(event);
        entityKnown[group] = true;
      }
      String entity = entityKeys[group];
      if (entity == null) {
        continue;
      }
      Hit hit = rule.evaluator().apply(event, entity, time);
      if (hit != null && gate.admit(definition.id(), entity, time)) {
        findings.add(new Finding(definition.id(), definition.version(), definition.title(), definition.severity(),
            definition.attackTechnique(), definition.runbook(), entity, event.event().workspace(),
            fromMicros(hit.firstMicros()), fromMicros(hit.lastMicros()), fromMicros(Math.max(watermark, time)),
            hit.value(), hit.evidence()));
      }
    }
  }

  private static long toMicros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  private static Instant fromMicros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
