package dev.gatehouse.auditdetector.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Windowing, lateness, de-duplication and memory bounds of the engine, shown on rule D01. */
class DetectionEngineTest {

  private static final List<RuleDefinition> D01 =
      Traffic.SHIPPED.stream().filter(r -> r.id().equals("D01")).toList();
  private static final String ADDRESS = "203.0.113.9";

  @Test
  void burstStraddlingAMinuteBoundaryFiresOnce() {
    Traffic t = new Traffic();
    Instant start = Instant.parse("2025-03-03T10:04:50Z");
    for (int i = 0; i < 20; i++) {
      t.failedAuth(ADDRESS, start.plusSeconds(i), "malformed_token");
    }
    List<Finding> findings = t.run(D01, EngineOptions.defaults());
    assertEquals(1, findings.size());
    assertEquals(start, findings.get(0).firstEventTime());
    assertEquals(start.plusSeconds(19), findings.get(0).lastEventTime());
    assertEquals(10, findings.get(0).evidence().size());
  }

  @Test
  void eventsArrivingOutOfOrderWithinTheLatenessAreEvaluatedInEventTime() {
    Traffic t = new Traffic();
    for (int i = 19; i >= 0; i--) {
      t.failedAuth(ADDRESS, Traffic.MONDAY_10.plusMillis(i * 400L), "malformed_token");
    }
    assertEquals(1, t.run(D01, EngineOptions.defaults()).size());
  }

  @Test
  void eventsLaterThanTheAllowedLatenessAreDroppedAndCounted() {
    DetectionEngine engine = new DetectionEngine(D01, EngineOptions.defaults().withAllowedLateness(Duration.ofSeconds(10)));
    Traffic t = new Traffic().failedAuth(ADDRESS, Traffic.MONDAY_10.plusSeconds(60), "expired");
    for (int i = 0; i < 19; i++) {
      t.failedAuth(ADDRESS, Traffic.MONDAY_10.plusSeconds(i), "expired");
    }
    List<Finding> findings = new ArrayList<>();
    for (ChainedEvent event : t.events()) {
      findings.addAll(engine.accept(event));
    }
    findings.addAll(engine.flush());
    assertTrue(findings.isEmpty());
    assertEquals(19, engine.stats().lateEventsDropped());
    assertEquals(1, engine.stats().eventsEvaluated());
  }

  @Test
  void findingsWaitForTheLatenessAndAppearWhenTheWatermarkAdvances() {
    DetectionEngine engine = new DetectionEngine(D01, EngineOptions.defaults());
    Traffic t = new Traffic();
    for (int i = 0; i < 20; i++) {
      t.failedAuth(ADDRESS, Traffic.MONDAY_10.plusSeconds(i), "expired");
    }
    List<Finding> immediate = new ArrayList<>();
    t.events().forEach(e -> immediate.addAll(engine.accept(e)));
    assertTrue(immediate.isEmpty());
    List<Finding> later = engine.advanceTo(Traffic.MONDAY_10.plusSeconds(30));
    assertEquals(1, later.size());
    assertEquals(Traffic.MONDAY_10.plusSeconds(30), later.get(0).detectedAt());
  }

  @Test
  void anOngoingAttackYieldsOneFindingUntilQuietForTheRearmInterval() {
    Traffic t = new Traffic();
    for (int i = 0; i < 200; i++) {
      t.failedAuth(ADDRESS, Traffic.MONDAY_10.plusSeconds(i * 3L), "malformed_token");
    }
    Instant afterQuiet = Traffic.MONDAY_10.plus(Duration.ofHours(3));
    for (int i = 0; i < 20; i++) {
      t.failedAuth(ADDRESS, afterQuiet.plusSeconds(i), "malformed_token");
    }
    DetectionEngine engine = new DetectionEngine(D01, EngineOptions.defaults().withRearmInterval(Duration.ofHours(1)));
    List<Finding> findings = new ArrayList<>();
    t.events().forEach(e -> findings.addAll(engine.accept(e)));
    findings.addAll(engine.flush());
    assertEquals(2, findings.size());
    assertEquals(180, engine.stats().hitsSuppressed());
  }

  @Test
  void entityStateIsCappedPerRuleAndEvictionsAreCounted() {
    Traffic t = new Traffic();
    for (int i = 0; i < 500; i++) {
      t.failedAuth("198.51." + (i / 250) + "." + (i % 250), Traffic.MONDAY_10.plusMillis(i), "expired");
    }
    DetectionEngine engine = new DetectionEngine(D01, EngineOptions.defaults().withMaxEntitiesPerRule(100));
    t.events().forEach(engine::accept);
    engine.flush();
    assertEquals(100, engine.stats().trackedEntities());
    assertEquals(400, engine.stats().entitiesEvicted());
  }

  @Test
  void idleEntitiesAreForgottenAfterTheirWindow() {
    Traffic t = new Traffic();
    for (int i = 0; i < 50; i++) {
      t.failedAuth("198.51.100." + i, Traffic.MONDAY_10.plusSeconds(i), "expired");
    }
    t.failedAuth(ADDRESS, Traffic.MONDAY_10.plus(Duration.ofMinutes(30)), "expired");
    DetectionEngine engine = new DetectionEngine(D01, EngineOptions.defaults());
    t.events().forEach(engine::accept);
    engine.flush();
    assertEquals(1, engine.stats().trackedEntities());
  }

  @Test
  void exportedJsonDocumentsAreAcceptedLikeChainedEvents() {
    Traffic t = new Traffic();
    for (int i = 0; i < 20; i++) {
      t.failedAuth(ADDRESS, Traffic.MONDAY_10.plusSeconds(i), "expired");
    }
    DetectionEngine engine = new DetectionEngine(D01, EngineOptions.defaults());
    t.events().forEach(e -> engine.acceptJson(e.toJson()));
    List<Finding> findings = engine.flush();
    assertEquals(1, findings.size());
    assertEquals("node-a:20", findings.get(0).evidence().get(9).toString());
  }
}
