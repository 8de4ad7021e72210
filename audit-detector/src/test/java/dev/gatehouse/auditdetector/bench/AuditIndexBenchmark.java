package dev.gatehouse.auditdetector.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.chain.ChainHasher;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import dev.gatehouse.auditdetector.store.EventStore;
import dev.gatehouse.auditdetector.testsupport.TestDatabase;
import dev.gatehouse.auditdetector.writer.AuditWriterOptions;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What each index of {@code audit_events} costs PostgreSQL per stored event, measured in one run:
 * the shipped layout, then that layout with one index at a time left out, then with none of the
 * secondary indexes (the floor: heap, WAL and the chain key), then with the event-id and
 * request-id lookups as the B-trees they were before V6, the shipped layout again, and the shipped
 * layout with one insert statement per batch instead of the writer's concurrent slices. Every layout stores the same
 * pre-chained events (after one unmeasured warm-up layout) with the writer's insert ({@link EventStore#insert(List, int)}, default batch
 * size and slices, {@code synchronous_commit=on}) into an emptied table, three times, keeping the
 * median. Events carry random request ids and event ids as the gateway mints them (hex and UUID),
 * so the lookup indexes see the random keys they see in service. Run with
 * {@code mvn -Pbench -pl audit-detector verify -Dit.test=AuditIndexBenchmark}; it asserts only that
 * every event is stored.
 */
class AuditIndexBenchmark {

  private static final int BATCH = AuditWriterOptions.DEFAULT_BATCH_SIZE;
  private static final int PARALLELISM = AuditWriterOptions.DEFAULT_INSERT_PARALLELISM;
  private static final int EVENTS = Integer.getInteger("bench.indexEvents", 100_000);
  private static final int REPEATS = 3;
  private static final long EVENT_SPACING_NANOS = 20_000;

  /** The secondary indexes of the shipped layout, as created by the migrations. */
  private static final Map<String, String> INDEXES = Map.of(
      "audit_events_ts_idx", "(ts, node_id, seq)",
      "audit_events_workspace_idx", "(workspace, ts)",
      "audit_events_subject_idx", "(subject, ts)",
      "audit_events_jti_idx", "(jti, ts)",
      "audit_events_event_id_idx", "USING hash (event_id)",
      "audit_events_request_id_idx", "USING hash (request_id)",
      "audit_events_client_address_idx", "(client_address, ts)");
  /** The two lookup indexes as V4 created them, before V7 made them hash indexes. */
  private static final Map<String, String> BTREE_LOOKUPS = Map.of(
      "audit_events_event_id_idx", "(event_id)",
      "audit_events_request_id_idx", "(request_id)");

  @Test
  void index_cost_per_event() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestDatabase db = TestDatabase.start(vertx, 4, Map.of("synchronous_commit", "on"))) {
      long postmaster = db.serverPid();
      EventStore store = new EventStore(db.pool());
      System.out.printf("%naudit index cost: %,d events per layout, median of %d, batch %d, %d slices%n", EVENTS,
          REPEATS, BATCH, PARALLELISM);
      // The first layout measured on a fresh server read several microseconds high in every run.
      measure(db, store, postmaster, "warm-up: shipped layout, not compared");
      double shipped = measure(db, store, postmaster, "shipped layout (all indexes)");
      List<String> names = new ArrayList<>(INDEXES.keySet());
      names.sort(String::compareTo);
      for (String index : names) {
        db.execute("DROP INDEX " + index);
        double without = measure(db, store, postmaster, "without " + index);
        System.out.printf("    -> %s costs %.1f us/event%n", index, shipped - without);
        db.execute("CREATE INDEX " + index + " ON audit_events " + INDEXES.get(index));
      }
      names.forEach(index -> db.execute("DROP INDEX " + index));
      double floor = measure(db, store, postmaster, "no secondary index (floor)");
      System.out.printf("    -> the seven secondary indexes cost %.1f of %.1f us/event%n", shipped - floor, shipped);
      names.forEach(index -> db.execute("CREATE INDEX " + index + " ON audit_events " + INDEXES.get(index)));
      BTREE_LOOKUPS.forEach((index, columns) -> {
        db.execute("DROP INDEX " + index);
        db.execute("CREATE INDEX " + index + " ON audit_events " + columns);
      });
      double btree = measure(db, store, postmaster, "event_id and request_id as B-trees (V4)");
      printLookupIndexSizes(db, "B-trees (V4)");
      BTREE_LOOKUPS.keySet().forEach(index -> {
        db.execute("DROP INDEX " + index);
        db.execute("CREATE INDEX " + index + " ON audit_events " + INDEXES.get(index));
      });
      double again = measure(db, store, postmaster, "shipped layout again");
      printLookupIndexSizes(db, "hash (V6)");
      System.out.printf("    -> hash lookups (V6) save %.1f us/event against B-trees (V4), same run%n",
          btree - (shipped + again) / 2);
      measure(db, store, postmaster, "shipped layout, one statement per batch", 1);
    } finally {
      vertx.close().await();
    }
  }

  /** Bytes of the event-id and request-id indexes (all partitions) holding the last layout's events. */
  private static void printLookupIndexSizes(TestDatabase db, String layout) {
    for (String column : List.of("event_id", "request_id")) {
      long bytes = db.pool().preparedQuery("SELECT coalesce(sum(pg_relation_size(c.oid)), 0) FROM pg_class c "
              + "JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname LIKE $1")
          .execute(Tuple.of("%" + column + "_idx")).await().iterator().next().getLong(0);
      System.out.printf("    %s index as %s: %,d bytes for %,d events%n", column, layout, bytes, EVENTS);
    }
  }

  /** PostgreSQL CPU microseconds per event for the current layout (median of the repeats). */
  private static double measure(TestDatabase db, EventStore store, long postmaster, String label) throws IOException {
    return measure(db, store, postmaster, label, PARALLELISM);
  }

  private static double measure(TestDatabase db, EventStore store, long postmaster, String label, int slices)
      throws IOException {
    double[] cpu = new double[REPEATS];
    double[] rate = new double[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
      db.execute("TRUNCATE audit_events");
      String node = "idx-" + r;
      List<List<ChainedEvent>> batches = batches(node);
      long before = serverTicks(postmaster);
      long start = System.nanoTime();
      for (List<ChainedEvent> batch : batches) {
        store.insert(batch, slices).await();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      cpu[r] = (serverTicks(postmaster) - before) * 10_000.0 / EVENTS;
      rate[r] = EVENTS / seconds;
      long stored = db.pool().preparedQuery("SELECT count(*) FROM audit_events WHERE node_id = $1")
          .execute(Tuple.of(node)).await().iterator().next().getLong(0);
      assertEquals(EVENTS, stored);
    }
    java.util.Arrays.sort(cpu);
    java.util.Arrays.sort(rate);
    System.out.printf("  %-46s postgres %5.1f us/event   %,8.0f events/s%n", label, cpu[REPEATS / 2],
        rate[REPEATS / 2]);
    return cpu[REPEATS / 2];
  }

  private static List<List<ChainedEvent>> batches(String node) {
    SplittableRandom random = new SplittableRandom(42);
    HexFormat hex = HexFormat.of();
    ChainHasher hasher = new ChainHasher();
    List<List<ChainedEvent>> batches = new ArrayList<>();
    List<ChainedEvent> batch = new ArrayList<>(BATCH);
    ChainHash previous = ChainHash.GENESIS;
    Instant now = Instant.now();
    for (int i = 0; i < EVENTS; i++) {
      AuditEvent event = AuditEvent.builder(EventKind.HTTP, Decision.ALLOW, "allowed")
          .timestamp(now.plusNanos(i * EVENT_SPACING_NANOS))
          .requestId(hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong()))
          .status(200)
          .principal("bench-agent-" + (i % 1024), "ws-" + (i & 7), "jti-" + (i % 1024))
          .clientAddress("10.77." + ((i >> 8) & 15) + "." + (i & 0xff))
          .userAgent("wrk")
          .method("GET")
          .route("bench-scoped", "/api/agents/{agentId}")
          .resourceId("agentId", "a1")
          .latencyMicros(1_000 + i % 5_000)
          .bytes(120, 2_048)
          .build();
      ChainedEvent chained = hasher.link(node, i + 1, previous, event);
      previous = chained.hash();
      batch.add(chained);
      if (batch.size() == BATCH) {
        batches.add(batch);
        batch = new ArrayList<>(BATCH);
      }
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }

  /** CPU ticks (1/100 s) of the postmaster and its children, from /proc (Linux). */
  private static long serverTicks(long postmaster) throws IOException {
    long ticks = 0;
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      for (Path process : (Iterable<Path>) processes::iterator) {
        String name = process.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(process.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
          if (Long.parseLong(name) == postmaster || Long.parseLong(f[1]) == postmaster) {
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          }
        } catch (IOException | RuntimeException gone) {
          // The process exited while /proc was listed.
        }
      }
    }
    return ticks;
  }
}
