package dev.gatehouse.auditdetector.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.chain.ChainHasher;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.store.EventStore;
import dev.gatehouse.auditdetector.testsupport.SampleEvents;
import dev.gatehouse.auditdetector.testsupport.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RetentionJobIT {

  // One database for the class: every test works on its own days and node ids.
  private static Vertx vertx;
  private static TestDatabase db;

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

  private static Clock at(String instant) {
    return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
  }

  private List<String> partitions() {
    List<String> names = new ArrayList<>();
    db.pool().query("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            + "WHERE i.inhparent = 'audit_events'::regclass ORDER BY c.relname").execute().await()
        .forEach(row -> names.add(row.getString(0)));
    return names;
  }

  private long rowsIn(String table) {
    return db.pool().query("SELECT count(*) FROM " + table).execute().await().iterator().next().getLong(0);
  }

  private long rowsOf(String node) {
    return db.pool().preparedQuery("SELECT count(*) FROM audit_events WHERE node_id = $1")
        .execute(Tuple.of(node)).await().iterator().next().getLong(0);
  }

  private void insertAt(String node, Instant... times) {
    ChainHasher hasher = new ChainHasher();
    List<ChainedEvent> batch = new ArrayList<>();
    ChainHash previous = ChainHash.GENESIS;
    for (int i = 0; i < times.length; i++) {
      ChainedEvent event = hasher.link(node, i + 1, previous, SampleEvents.allowed(i, "ws-r", times[i]));
      batch.add(event);
      previous = event.hash();
    }
    new EventStore(db.pool()).insert(batch).await();
  }

  @Test
  void partitions_are_created_for_yesterday_today_and_the_days_ahead() {
    RetentionReport report = new RetentionJob(db.pool(), 30, at("2040-01-10T08:00:00Z")).run().await();
    assertEquals(List.of("audit_events_p20400109", "audit_events_p20400110", "audit_events_p20400111",
        "audit_events_p20400112", "audit_events_p20400113"), report.created());
    assertTrue(partitions().containsAll(report.created()));
    RetentionReport again = new RetentionJob(db.pool(), 30, at("2040-01-10T09:00:00Z")).run().await();
    assertTrue(again.created().isEmpty(), "a second run is a no-op");
  }

  @Test
  void partitions_older_than_the_retention_are_dropped_and_recent_ones_kept() {
    new RetentionJob(db.pool(), 30, at("2030-01-01T00:00:00Z")).run().await();
    insertAt("node-r", Instant.parse("2030-01-01T10:00:00Z"), Instant.parse("2030-01-02T10:00:00Z"));
    RetentionReport report = new RetentionJob(db.pool(), 2, at("2030-01-04T12:00:00Z")).run().await();
    assertTrue(report.dropped().containsAll(List.of("audit_events_p20291231", "audit_events_p20300101")),
        report::toString);
    assertFalse(report.dropped().contains("audit_events_p20300102"), report::toString);
    assertTrue(partitions().contains("audit_events_p20300102"), "the day within retention is kept");
    assertEquals(1, rowsOf("node-r"));
  }

  @Test
  void rows_that_landed_in_the_default_partition_move_into_their_day_partition() {
    Instant farFuture = Instant.parse("2031-05-05T05:05:05Z");
    insertAt("node-d", farFuture);
    assertEquals(1, rowsIn("audit_events_default"));
    RetentionReport report = new RetentionJob(db.pool(), 30, at("2031-05-05T00:00:00Z")).run().await();
    assertTrue(report.created().contains("audit_events_p20310505"));
    assertEquals(0, rowsIn("audit_events_default"));
    assertEquals(1, rowsIn("audit_events_p20310505"));
    assertEquals(1, rowsOf("node-d"));
  }

  @Test
  void a_retention_below_one_day_is_rejected() {
    assertThrows(IllegalArgumentException.class, () -> new RetentionJob(db.pool(), 0, Clock.systemUTC()));
  }
}
