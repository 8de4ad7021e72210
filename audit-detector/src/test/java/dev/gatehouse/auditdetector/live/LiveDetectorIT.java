package dev.gatehouse.auditdetector.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.alert.AlertFilter;
import dev.gatehouse.auditdetector.alert.AlertStore;
import dev.gatehouse.auditdetector.alert.Raised;
import dev.gatehouse.auditdetector.detect.EngineOptions;
import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.auditdetector.rules.RuleLoader;
import dev.gatehouse.auditdetector.testsupport.EcdsaTestSigner;
import dev.gatehouse.auditdetector.testsupport.TestDatabase;
import dev.gatehouse.auditdetector.testsupport.Waiting;
import dev.gatehouse.auditdetector.writer.AuditWriter;
import dev.gatehouse.auditdetector.writer.AuditWriterOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LiveDetectorIT {

  private static final List<RuleDefinition> RULES = new RuleLoader().loadShipped();
  private static final EngineOptions OPTIONS = EngineOptions.defaults().withAllowedLateness(Duration.ofMillis(200));

  private Vertx vertx;
  private TestDatabase db;
  private final List<Raised> raised = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startDatabase() throws Exception {
    vertx = Vertx.vertx();
    db = TestDatabase.start(vertx);
  }

  @AfterEach
  void stopDatabase() throws Exception {
    db.close();
    vertx.close().await();
  }

  private AuditWriter writer(String node) throws Exception {
    Path spool = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "spool");
    return AuditWriter.start(vertx, db.pool(), AuditWriterOptions.builder(node, spool).build(), new EcdsaTestSigner(),
        new SimpleMeterRegistry()).await();
  }

  private static void failedBurst(AuditWriter writer, String address, int count) {
    for (int i = 0; i < count; i++) {
      writer.record(AuditEvent.builder(EventKind.HTTP, Decision.DENY, "malformed_token").requestId("r" + i)
          .status(401).clientAddress(address).method("GET").route("agents-list", "/api/agents").build());
    }
  }

  @Test
  void inProcessEventsWrittenBeforeTheDetectorStartedAreCaughtUpFromTheDatabase() throws Exception {
    AuditWriter writer = writer("node-1");
    failedBurst(writer, "203.0.113.1", 12);
    writer.flush().await();
    LiveDetector detector = LiveDetector.inProcess(vertx, db.pool(), RULES, OPTIONS, raised::addAll, "node-1",
        writer::settled);
    writer.onDurable(detector::accept);
    detector.start().await();
    failedBurst(writer, "203.0.113.1", 8);

    Waiting.until("the D01 alert", Duration.ofSeconds(5), () -> raised.stream().anyMatch(r -> r.opened()
        && r.finding().ruleId().equals("D01")));
    writer.close().await();
    detector.stop().await();
    assertEquals(20, detector.stats().eventsEvaluated(), "12 caught up, 8 handed over, none twice");
    JsonObject alert = new AlertStore(db.pool()).list(new AlertFilter(null, "D01", null, null, null, null), null, 0)
        .await().alerts().get(0);
    assertEquals("client_address=203.0.113.1", alert.getString("entity"));
    assertEquals(Long.valueOf(20), new AlertStore(db.pool()).cursors().await().get("node-1"));
  }

  @Test
  void followModeEvaluatesEveryNodesEventsFromTheDatabase() throws Exception {
    AuditWriter first = writer("node-a");
    AuditWriter second = writer("node-b");
    failedBurst(first, "198.51.100.1", 20);
    failedBurst(second, "198.51.100.2", 20);
    first.close().await();
    second.close().await();
    LiveDetector detector = LiveDetector.follow(vertx, db.pool(), RULES, OPTIONS, raised::addAll);
    detector.start().await();

    Waiting.until("both D01 alerts", Duration.ofSeconds(5), () -> raised.stream()
        .filter(r -> r.opened() && r.finding().ruleId().equals("D01")).count() == 2);
    detector.stop().await();
    assertEquals(40, detector.stats().eventsEvaluated());
    assertTrue(raised.stream().noneMatch(Raised::suppressed));
    assertEquals(2, new AlertStore(db.pool()).cursors().await().size());
  }
}
