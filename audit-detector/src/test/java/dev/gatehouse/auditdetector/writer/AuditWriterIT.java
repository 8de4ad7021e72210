package dev.gatehouse.auditdetector.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.metrics.AuditMetrics;
import dev.gatehouse.auditdetector.testsupport.EcdsaTestSigner;
import dev.gatehouse.auditdetector.testsupport.SampleEvents;
import dev.gatehouse.auditdetector.testsupport.TestDatabase;
import dev.gatehouse.auditdetector.testsupport.Waiting;
import dev.gatehouse.auditdetector.verify.ChainVerifier;
import dev.gatehouse.auditdetector.verify.VerificationRange;
import dev.gatehouse.auditdetector.verify.VerificationReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditWriterIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private static Vertx vertx;
  private static TestDatabase db;
  private final EcdsaTestSigner signer = new EcdsaTestSigner();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @TempDir
  Path spoolDir;

  @BeforeAll
  static void startDatabase() throws IOException {
    vertx = Vertx.vertx();
    db = TestDatabase.start(vertx);
  }

  @AfterAll
  static void stopDatabase() throws IOException {
    db.close();
    vertx.close().await();
  }

  private static AuditWriterOptions.Builder options(String node, Path spool) {
    return AuditWriterOptions.builder(node, spool)
        .batchSize(500)
        .insertTimeout(Duration.ofSeconds(2))
        .retryInterval(Duration.ofMillis(100))
        .checkpointInterval(Duration.ofMillis(200));
  }

  private AuditWriter start(AuditWriterOptions options) {
    return AuditWriter.start(vertx, db.pool(), options, signer, registry).await();
  }

  private static long count(String sql, Object... params) {
    Row row = db.pool().preparedQuery(sql).execute(Tuple.wrap(params)).await().iterator().next();
    return row.getLong(0);
  }

  private static long stored(String node) {
    return count("SELECT count(*) FROM audit_events WHERE node_id = $1", node);
  }

  private VerificationReport verify(String node) {
    return new ChainVerifier(db.pool(), signer).verify(node, VerificationRange.all()).await();
  }

  private double counter(String name, String node) {
    return registry.get(name).tag("node", node).counter().count();
  }

  private static void assertExactlyOnceInOrder(String node, long expected) {
    assertEquals(expected, stored(node));
    assertEquals(expected, count("SELECT count(DISTINCT seq) FROM audit_events WHERE node_id = $1", node));
    assertEquals(expected, count("SELECT coalesce(max(seq), 0) FROM audit_events WHERE node_id = $1", node));
    assertEquals(expected, count("SELECT count(DISTINCT event_id) FROM audit_events WHERE node_id = $1", node));
  }

  @Test
  void every_event_recorded_from_many_threads_is_stored_exactly_once_in_order() throws InterruptedException {
    AuditWriter writer = start(options("node-many", spoolDir).build());
    Set<UUID> recorded = ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int base = t * 2_500;
      threads.add(new Thread(() -> {
        for (int i = 0; i < 2_500; i++) {
          AuditEvent event = i % 3 == 0 ? SampleEvents.unauthenticated(base + i, Instant.now())
              : SampleEvents.allowed(base + i, "ws-" + (i % 5), Instant.now());
          assertTrue(writer.record(event));
          recorded.add(event.eventId());
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    writer.close().await();

    assertExactlyOnceInOrder("node-many", 10_000);
    Set<UUID> storedIds = new HashSet<>();
    db.pool().preparedQuery("SELECT event_id FROM audit_events WHERE node_id = $1").execute(Tuple.of("node-many"))
        .await().forEach(row -> storedIds.add(row.getUUID(0)));
    assertEquals(recorded, storedIds);
    assertTrue(verify("node-many").intact());
    assertEquals(10_000, counter(AuditMetrics.EVENTS_WRITTEN, "node-many"));
  }

  @Test
  void events_recorded_while_postgres_is_stopped_are_replayed_exactly_once_in_order() throws Exception {
    String node = "node-outage";
    AuditWriter writer = start(options(node, spoolDir).build());
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger accepted = new AtomicInteger();
    Thread load = new Thread(() -> {
      int i = 0;
      while (running.get()) {
        if (writer.record(SampleEvents.allowed(i++, "ws-a", Instant.now()))) {
          accepted.incrementAndGet();
        }
        if (i % 50 == 0) {
          sleep(5);
        }
      }
    });
    load.start();
    Waiting.until("some events are stored", PATIENCE, () -> stored(node) > 500);

    db.stop();
    Waiting.until("events are spooled", PATIENCE, () -> counter(AuditMetrics.EVENTS_SPOOLED, node) > 1_000);
    assertTrue(writer.admitting());
    db.restart();
    Waiting.until("the spool is replayed", PATIENCE, () -> counter(AuditMetrics.EVENTS_REPLAYED, node) > 0);
    sleep(300);
    running.set(false);
    load.join();
    writer.close().await();

    int total = accepted.get();
    Waiting.until("every accepted event is stored", PATIENCE, () -> stored(node) == total);
    assertExactlyOnceInOrder(node, total);
    VerificationReport report = verify(node);
    assertTrue(report.intact(), report::toString);
    assertEquals(total, report.eventsChecked());
    assertTrue(counter(AuditMetrics.EVENTS_REPLAYED, node) >= counter(AuditMetrics.EVENTS_SPOOLED, node));
  }

  @Test
  void a_full_spool_stops_admission_until_postgres_returns_and_nothing_accepted_is_lost() throws Exception {
    String node = "node-cap";
    AuditWriter writer = start(options(node, spoolDir).spoolMaxBytes(200 * 1024).queue(2_000, 1_000)
        .batchSize(100).build());
    db.stop();
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 5_000; i++) {
      if (writer.record(SampleEvents.allowed(i, "ws-a", Instant.now()))) {
        accepted++;
      } else {
        refused++;
      }
      if (i % 100 == 0) {
        sleep(2);
      }
    }
    Waiting.until("admission stops", PATIENCE, () -> !writer.admitting());
    assertTrue(refused > 0, "the bounded queue refuses events once full");
    assertEquals(refused, (int) counter(AuditMetrics.EVENTS_DROPPED, node));
    assertEquals(0.0, registry.get(AuditMetrics.ADMITTING).tag("node", node).gauge().value());

    db.restart();
    Waiting.until("admission resumes", PATIENCE, writer::admitting);
    writer.close().await();
    int expected = accepted;
    Waiting.until("every accepted event is stored", PATIENCE, () -> stored(node) == expected);
    assertExactlyOnceInOrder(node, expected);
    assertTrue(verify(node).intact());
  }

  @Test
  void a_writer_restarted_while_postgres_is_stopped_continues_the_chain_from_its_spool() throws Exception {
    String node = "node-restart";
    AuditWriter first = start(options(node, spoolDir).build());
    for (int i = 0; i < 100; i++) {
      first.record(SampleEvents.allowed(i, "ws-a", Instant.now()));
    }
    first.flush().await();
    Waiting.until("first events stored", PATIENCE, () -> stored(node) == 100);
    db.stop();
    for (int i = 100; i < 150; i++) {
      first.record(SampleEvents.allowed(i, "ws-a", Instant.now()));
    }
    first.close().await();

    AuditWriter second = start(options(node, spoolDir).build());
    for (int i = 150; i < 200; i++) {
      second.record(SampleEvents.websocketDenied(i, "ws-a", Instant.now()));
    }
    second.flush().await();

    assertThrows(AuditWriterException.class, () -> AuditWriter.start(vertx, db.pool(),
        options("node-fresh", spoolDir.resolve("fresh")).build(), signer, registry).await(),
        "an empty spool cannot continue the chain while the database is down");

    db.restart();
    Waiting.until("every event is stored", PATIENCE, () -> stored(node) == 200);
    second.close().await();
    assertExactlyOnceInOrder(node, 200);
    assertTrue(verify(node).intact());
  }

  @Test
  void a_restarted_writer_continues_the_chain_from_the_database() {
    String node = "node-continue";
    AuditWriter first = start(options(node, spoolDir).build());
    for (int i = 0; i < 120; i++) {
      first.record(SampleEvents.allowed(i, "ws-a", Instant.now()));
    }
    first.close().await();
    AuditWriter second = start(options(node, spoolDir).build());
    for (int i = 0; i < 80; i++) {
      second.record(SampleEvents.unauthenticated(i, Instant.now()));
    }
    second.close().await();
    assertExactlyOnceInOrder(node, 200);
    assertTrue(verify(node).intact());
  }

  @Test
  void signed_checkpoints_are_stored_periodically_and_checked_by_verify() {
    String node = "node-checkpoints";
    AuditWriter writer = start(options(node, spoolDir).build());
    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < 50; i++) {
        writer.record(SampleEvents.allowed(round * 50 + i, "ws-a", Instant.now()));
      }
      writer.flush().await();
      sleep(250);
    }
    writer.close().await();
    long checkpoints = count("SELECT count(*) FROM audit_checkpoints WHERE node_id = $1", node);
    assertTrue(checkpoints >= 2, "checkpoints: " + checkpoints);
    assertEquals(200, count("SELECT max(seq) FROM audit_checkpoints WHERE node_id = $1", node),
        "close() pins the last event");
    VerificationReport report = verify(node);
    assertTrue(report.intact(), report::toString);
    assertEquals(checkpoints, report.checkpointsChecked());
  }

  @Test
  void record_after_close_is_refused_without_throwing() {
    AuditWriter writer = start(options("node-closed", spoolDir).build());
    writer.close().await();
    assertFalse(writer.record(SampleEvents.unauthenticated(1, Instant.now())));
    assertFalse(writer.record(null));
    assertFalse(writer.admitting());
  }

  @Test
  void queue_depth_and_admission_are_exposed_as_gauges() {
    AuditWriter writer = start(options("node-gauges", spoolDir).build());
    assertEquals(1.0, registry.get(AuditMetrics.ADMITTING).tag("node", "node-gauges").gauge().value());
    assertEquals(0.0, registry.get(AuditMetrics.QUEUE_DEPTH).tag("node", "node-gauges").gauge().value());
    writer.record(SampleEvents.unauthenticated(1, Instant.now()));
    writer.close().await();
    assertEquals(1, registry.get(AuditMetrics.BATCH_LATENCY).tag("node", "node-gauges").tag("target", "database")
        .timer().count());
  }

  @Test
  void events_recorded_within_the_linger_are_stored_in_one_batch() {
    String node = "node-linger";
    AuditWriter writer = start(options(node, spoolDir).batchLinger(Duration.ofMillis(300)).build());
    for (int i = 0; i < 20; i++) {
      assertTrue(writer.record(SampleEvents.allowed(i, "ws-1", Instant.now())));
      sleep(5);
    }
    // The batch's timer is recorded just after its rows become visible.
    Waiting.until("the lingering batch is stored", PATIENCE, () -> stored(node) == 20 && batches(node) > 0);
    assertEquals(1, batches(node), "twenty events recorded 5 ms apart, one insert");
    writer.close().await();
  }

  @Test
  void without_linger_each_event_recorded_alone_is_stored_at_once() {
    String node = "node-no-linger";
    AuditWriter writer = start(options(node, spoolDir).batchLinger(Duration.ZERO).build());
    for (int i = 1; i <= 3; i++) {
      assertTrue(writer.record(SampleEvents.allowed(i, "ws-1", Instant.now())));
      long expected = i;
      // Each batch's timer is recorded just after its rows become visible.
      Waiting.until("event " + i + " is stored", PATIENCE, () -> stored(node) == expected && batches(node) == expected);
    }
    assertEquals(3, batches(node));
    writer.close().await();
  }

  @Test
  void a_flush_or_close_does_not_wait_for_the_linger() {
    String node = "node-flush-linger";
    AuditWriter writer = start(options(node, spoolDir).batchLinger(Duration.ofMinutes(5)).build());
    writer.record(SampleEvents.allowed(1, "ws-1", Instant.now()));
    writer.flush().timeout(10, TimeUnit.SECONDS).await();
    assertEquals(1, stored(node));
    writer.record(SampleEvents.allowed(2, "ws-1", Instant.now()));
    sleep(500);
    assertEquals(1, stored(node), "the second event lingers");
    writer.close().timeout(10, TimeUnit.SECONDS).await();
    assertExactlyOnceInOrder(node, 2);
  }

  private long batches(String node) {
    return registry.get(AuditMetrics.BATCH_LATENCY).tag("node", node).tag("target", "database").timer().count();
  }

  private static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
