package dev.gatehouse.auditdetector.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.detect.DetectionEngine;
import dev.gatehouse.auditdetector.detect.EngineOptions;
import dev.gatehouse.auditdetector.detect.Finding;
import dev.gatehouse.auditdetector.eval.TrafficGenerator;
import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.auditdetector.rules.RuleLoader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Detection engine cost with every shipped rule enabled, on one thread. Run with
 * {@code mvn -Pbench -pl audit-detector verify}; it asserts correctness only, never timing.
 *
 * <ol>
 *   <li><b>Throughput</b>: the seeded evaluation traffic ({@link TrafficGenerator}, 21 days, about
 *       580,000 events) is generated once into memory and then fed to a fresh engine per pass,
 *       as fast as one thread can; one warm-up pass, then {@code -Dbench.passes} (default 5)
 *       timed passes. Events per second = events / wall-clock time of the pass.
 *   <li><b>Event-to-alert latency</b>: a live-paced run of {@code -Dbench.seconds} (default 10)
 *       at {@code -Dbench.rate} background events per second (default 20,000) stamped with the
 *       wall clock, with a credential-stuffing burst (D01) and a forged token (D15) injected every
 *       250 ms, and a heartbeat ({@link DetectionEngine#advanceTo}) every 50 ms when idle, as the
 *       gateway's detector does. Latency is the wall-clock time from handing the decisive event
 *       (the one that reaches the rule's threshold) to the engine until the finding is returned.
 *       It is measured twice: with no lateness (the engine's own cost) and with the in-process
 *       detector's default lateness, which by design dominates.
 * </ol>
 */
class DetectionEngineBenchmark {

  private static final int PASSES = Integer.getInteger("bench.passes", 5);
  private static final long LIVE_SECONDS = Long.getLong("bench.seconds", 10);
  private static final int RATE = Integer.getInteger("bench.rate", 20_000);
  private static final long INJECT_EVERY_NANOS = 250_000_000L;
  private static final long HEARTBEAT_NANOS = 50_000_000L;
  /** The in-process detector's default lateness, {@code detector.allowedLateness}. */
  private static final Duration SERVE_LATENESS = Duration.ofMillis(500);

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final List<RuleDefinition> RULES = new RuleLoader().loadShipped();

  @Test
  void engine_throughput_and_alert_latency() {
    System.out.printf(Locale.ROOT, "detection engine benchmark: %d rules, 1 thread, load average %.2f%n",
        RULES.size(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    throughput();
    latency(Duration.ZERO);
    latency(SERVE_LATENESS);
  }

  private static void throughput() {
    List<ChainedEvent> events = new ArrayList<>();
    new TrafficGenerator(20250303L).generate(labelled -> events.add(labelled.event()));
    long findingsFirst = -1;
    double[] rates = new double[PASSES];
    double[] cpuRates = new double[PASSES];
    for (int pass = -1; pass < PASSES; pass++) {
      DetectionEngine engine = new DetectionEngine(RULES, EngineOptions.defaults());
      long findings = 0;
      long cpuStarted = THREADS.getCurrentThreadCpuTime();
      long started = System.nanoTime();
      for (ChainedEvent event : events) {
        findings += engine.accept(event).size();
      }
      findings += engine.flush().size();
      long nanos = System.nanoTime() - started;
      long cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuStarted;
      assertEquals(events.size(), engine.stats().eventsEvaluated(), "every event is evaluated");
      if (findingsFirst < 0) {
        findingsFirst = findings;
      }
      assertEquals(findingsFirst, findings, "every pass finds the same");
      if (pass >= 0) {
        rates[pass] = events.size() / (nanos / 1e9);
        cpuRates[pass] = events.size() / (cpuNanos / 1e9);
        System.out.printf(Locale.ROOT, "  pass %d: %,d events in %,d ms = %,.0f events/s wall clock, %,.0f events/s"
            + " of thread CPU time (%d findings)%n", pass + 1, events.size(), nanos / 1_000_000, rates[pass],
            cpuRates[pass], findings);
      }
    }
    Arrays.sort(rates);
    Arrays.sort(cpuRates);
    System.out.printf(Locale.ROOT, "throughput: median %,.0f events/s wall clock (min %,.0f, max %,.0f), median %,.0f"
        + " events/s of thread CPU time, over %d passes%n", rates[PASSES / 2], rates[0], rates[PASSES - 1],
        cpuRates[PASSES / 2], PASSES);
  }

  private static void latency(Duration lateness) {
    DetectionEngine engine = new DetectionEngine(RULES, EngineOptions.defaults().withAllowedLateness(lateness));
    SplittableRandom random = new SplittableRandom(7);
    Map<UUID, Long> decisiveAt = new HashMap<>();
    List<Long> latencies = new ArrayList<>();
    long start = System.nanoTime();
    long end = start + LIVE_SECONDS * 1_000_000_000L;
    long nanosPerEvent = 1_000_000_000L / RATE;
    long nextEvent = start;
    long nextInjection = start + INJECT_EVERY_NANOS;
    long nextHeartbeat = start + HEARTBEAT_NANOS;
    long seq = 0;
    int injections = 0;
    long events = 0;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      List<Finding> found = new ArrayList<>();
      if (now >= nextInjection) {
        nextInjection += INJECT_EVERY_NANOS;
        String attacker = "203.0." + (injections % 250) + "." + (1 + injections / 250 % 250);
        injections++;
        for (int i = 0; i < 20; i++) {
          AuditEvent failed = AuditEvent.builder(EventKind.HTTP, Decision.DENY, "bad_signature").requestId("a" + seq)
              .status(401).clientAddress(attacker).method("GET").route("agents-list", "/api/agents").build();
          if (i == 0 || i == 19) {
            decisiveAt.put(failed.eventId(), System.nanoTime()); // D15 fires on the first, D01 on the 20th
          }
          found.addAll(engine.accept(new ChainedEvent("bench", ++seq, failed, ChainHash.GENESIS, ChainHash.GENESIS)));
          events++;
        }
      } else if (now >= nextEvent) {
        nextEvent += nanosPerEvent;
        int user = random.nextInt(5_000);
        AuditEvent allowed = AuditEvent.builder(EventKind.HTTP, Decision.ALLOW, "allowed").requestId("r" + seq)
            .status(200).principal("ws" + user % 6 + ".u" + user, "ws" + user % 6, "jti-" + user)
            .clientAddress("198.51." + user % 200 + "." + (1 + user % 250)).method("GET")
            .route("agents-get", "/api/agents/{agentId}").resourceId("agentId", "agent-" + random.nextInt(10))
            .build();
        found.addAll(engine.accept(new ChainedEvent("bench", ++seq, allowed, ChainHash.GENESIS, ChainHash.GENESIS)));
        events++;
      } else if (now >= nextHeartbeat) {
        nextHeartbeat += HEARTBEAT_NANOS;
        found.addAll(engine.advanceTo(Instant.now()));
      } else {
        Thread.onSpinWait();
      }
      long emitted = System.nanoTime();
      for (Finding finding : found) {
        Long decisive = decisiveAt.remove(finding.evidence().get(finding.evidence().size() - 1).eventId());
        if (decisive != null) {
          latencies.add(emitted - decisive);
        }
      }
    }
    latencies.sort(null);
    assertTrue(latencies.size() >= injections, "each injected attack raised its findings");
    System.out.printf(Locale.ROOT, "latency (lateness %d ms): %,d events in %d s (%,.0f/s), %d attacks, %d findings timed:"
            + " p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
        lateness.toMillis(), events, LIVE_SECONDS, events / (double) LIVE_SECONDS, injections, latencies.size(),
        percentile(latencies, 0.50), percentile(latencies, 0.99), latencies.get(latencies.size() - 1) / 1e6);
  }

  private static double percentile(List<Long> sorted, double q) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1e6;
  }
}
