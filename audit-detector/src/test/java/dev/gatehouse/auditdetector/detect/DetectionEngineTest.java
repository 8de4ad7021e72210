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
  void replacingTheRulesKeepsTheStateOfAnUnchangedRuleAndStartsAChangedOneEmpty() {
    Traffic first = new Traffic();
    for (int i = 0; i < 10; i++) {
      first.failedAuth(ADDRESS, Traffic.MONDAY_10.plusSeconds(i), "expired");
    }
    Traffic second = new Traffic();
    for (int i = 10; i < 20; i++) {
      second.failedAuth(ADDRESS, Traffic.MONDAY_10.plusSeconds(i), "expired");
    }
    List<RuleDefinition> reloaded = new dev.gatehouse.auditdetector.rules.RuleLoader().loadShipped().stream()
        .filter(r -> r.id().equals("D01")).toList();
    RuleDefinition d01 = reloaded.get(0);
    RuleDefinition retuned = new RuleDefinition(d01.id(), d01.version(), d01.title(), d01.severity(),
        d01.attackTechnique(), d01.runbook(), d01.falsePositives(), d01.entity(), d01.where(),
        new dev.gatehouse.auditdetector.rules.Aggregation.Count(Duration.ofMinutes(5), 20), d01.responses());

    // No lateness: every event is evaluated as it arrives, before the rules are replaced.
    EngineOptions options = EngineOptions.defaults().withAllowedLateness(Duration.ZERO);
    DetectionEngine kept = new DetectionEngine(D01, options);
    first.events().forEach(kept::accept);
    kept.replaceRules(reloaded);
    List<Finding> keptFindings = new ArrayList<>();
    second.events().forEach(e -> keptFindings.addAll(kept.accept(e)));
    keptFindings.addAll(kept.flush());
    assertEquals(1, keptFindings.size(), "a rule loaded again from its file keeps its window");

    DetectionEngine changed = new DetectionEngine(D01, options);
    first.events().forEach(changed::accept);
    changed.replaceRules(List.of(new RuleDefinition(d01.id(), d01.version() + 1, d01.title(), d01.severity(),
        d01.attackTechnique(), d01.runbook(), d01.falsePositives(), d01.entity(), d01.where(),
        retuned.aggregation(), d01.responses())));
    List<Finding> changedFindings = new ArrayList<>();
    second.events().forEach(e -> changedFindings.addAll(changed.accept(e)));
    changedFindings.addAll(changed.flush());
    assertEquals(0, changedFindings.size(), "a changed rule starts with an empty window");

    DetectionEngine removed = new DetectionEngine(D01, options);
    first.events().forEach(removed::accept);
    removed.replaceRules(List.of());
    List<Finding> removedFindings = new ArrayList<>();
    second.events().forEach(e -> removedFindings.addAll(removed.accept(e)));
    removedFindings.addAll(removed.flush());
    assertEquals(0, removedFindings.size(), "a removed rule raises nothing");
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
