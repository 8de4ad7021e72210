package dev.gatehouse.auditdetector.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.chain.ChainHasher;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.metrics.AuditMetrics;
import dev.gatehouse.auditdetector.store.AuditRows;
import dev.gatehouse.auditdetector.store.EventStore;
import dev.gatehouse.auditdetector.testsupport.EcdsaTestSigner;
import dev.gatehouse.auditdetector.testsupport.SampleEvents;
import dev.gatehouse.auditdetector.testsupport.TestDatabase;
import dev.gatehouse.auditdetector.verify.ChainVerifier;
import dev.gatehouse.auditdetector.verify.VerificationRange;
import dev.gatehouse.auditdetector.verify.VerificationReport;
import dev.gatehouse.auditdetector.writer.AuditWriter;
import dev.gatehouse.auditdetector.writer.AuditWriterOptions;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.lang.management.ManagementFactory;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Sustained audit throughput into embedded PostgreSQL 17 with durable commits
 * ({@code synchronous_commit=on}). Run with {@code mvn -Pbench -pl audit-detector verify}; it is
 * not part of the normal build and asserts only correctness (every event stored once, chain
 * intact), never timing. Figures are printed to standard output.
 *
 * <ol>
 *   <li>Insert strategies, same run, same pre-chained batches of the default batch size:
 *       {@code executeBatch} of one parameterised row insert per event; one {@code INSERT ...
 *       SELECT FROM unnest(arrays)} statement per batch; the writer's default, that statement on
 *       {@link AuditWriterOptions#DEFAULT_INSERT_PARALLELISM} concurrent slices; and the replay
 *       path, the same with {@code ON CONFLICT DO NOTHING}. Each starts from an empty table and
 *       reports the wall-clock rate and the CPU time per event of PostgreSQL (from /proc, Linux)
 *       and of this JVM, which stay meaningful on a busy machine.
 *   <li>End to end: producer threads call {@link AuditWriter#record} as fast as they can (parking
 *       briefly while it is not admitting, as the gateway would answer 503) for a fixed duration
 *       ({@code -Dbench.seconds}, default 20); throughput is events stored per second until the
 *       last one is in the database. Producers cycle through a ring of pre-built events, so the
 *       figure measures the writer; the cost of building an event is printed separately.
 * </ol>
 *
 * <p>Event timestamps advance by {@link #EVENT_SPACING_NANOS} from one event to the next, as a
 * live gateway's do at this rate. (With one timestamp for all, every {@code (jti, ts)} and
 * {@code (subject, ts)} index key would repeat, and PostgreSQL's B-tree deduplication work would be
 * measured instead of live traffic's inserts.)
 */
class AuditWriterBenchmark {

  private static final int BATCH = AuditWriterOptions.DEFAULT_BATCH_SIZE;
  private static final int PARALLELISM = AuditWriterOptions.DEFAULT_INSERT_PARALLELISM;
  private static final int RING = 100_000;
  /** 20 µs: 50,000 events per second. */
  private static final long EVENT_SPACING_NANOS = 20_000;
  private static final int BUILD_EVENTS = 1_000_000;
  private static final int STRATEGY_EVENTS = 200_000;
  private static final long LOAD_SECONDS = Long.getLong("bench.seconds", 20);
  private static final int PRODUCERS = Integer.getInteger("bench.producers", 2);
  private static final long BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static final String ROW_INSERT = "INSERT INTO audit_events (" + AuditRows.COLUMNS + ") VALUES "
      + "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb, $19, $20, "
      + "$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31)";

  @Test
  void sustained_throughput_into_embedded_postgres() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestDatabase db = TestDatabase.start(vertx, 4, Map.of("synchronous_commit", "on"))) {
      System.out.printf("%naudit benchmark: PostgreSQL %s, synchronous_commit=on, %d cores (load average %.2f "
              + "at start), batch %d%n",
          db.pool().query("SHOW server_version").execute().await().iterator().next().getString(0),
          Runtime.getRuntime().availableProcessors(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), BATCH);
      ServerCpu cpu = new ServerCpu(db.serverPid());
      System.out.println("insert strategy (same pre-chained batches, empty table each time; CPU per event)");
      for (Strategy strategy : Strategy.values()) {
        db.execute("TRUNCATE audit_events");
        insertStrategy(db, strategy, cpu);
      }
      buildCost();
      endToEnd(vertx, db);
    } finally {
      vertx.close().await();
    }
  }

  private enum Strategy {
    EXECUTE_BATCH("executeBatch, one row insert per event"),
    UNNEST("unnest, one statement per batch"),
    UNNEST_SLICED("unnest, " + PARALLELISM + " concurrent slices (writer default)"),
    REPLAY_SLICED("as above with ON CONFLICT DO NOTHING (replay)");

    private final String label;

    Strategy(String label) {
      this.label = label;
    }
  }

  private static void insertStrategy(TestDatabase db, Strategy strategy, ServerCpu cpu) throws IOException {
    String node = "bench-" + strategy.name().toLowerCase(Locale.ROOT).replace('_', '-');
    List<List<ChainedEvent>> batches = chainedBatches(node, STRATEGY_EVENTS);
    EventStore store = new EventStore(db.pool());
    // Warm-up: one batch through the same path, not measured.
    insert(db, store, List.of(batches.get(0)), strategy);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long clientCpu = os.getProcessCpuTime();
    long serverCpu = cpu.nanos();
    long start = System.nanoTime();
    insert(db, store, batches.subList(1, batches.size()), strategy);
    double seconds = (System.nanoTime() - start) / 1e9;
    int measured = STRATEGY_EVENTS - BATCH;
    double clientMicros = (os.getProcessCpuTime() - clientCpu) / 1e3 / measured;
    double serverMicros = (cpu.nanos() - serverCpu) / 1e3 / measured;
    long stored = db.pool().preparedQuery("SELECT count(*) FROM audit_events WHERE node_id = $1")
        .execute(Tuple.of(node)).await().iterator().next().getLong(0);
    assertEquals(STRATEGY_EVENTS, stored);
    System.out.printf("  %-44s %,9.0f events/s   postgres %5.1f us/event   client %4.1f us/event%n",
        strategy.label, measured / seconds, serverMicros, clientMicros);
  }

  /** CPU time of one PostgreSQL server (postmaster and its children) from /proc (Linux). */
  private static final class ServerCpu {
    private final long postmaster;
    private final double nanosPerTick;

    ServerCpu(long postmaster) {
      this.postmaster = postmaster;
      this.nanosPerTick = 1e9 / 100; // USER_HZ is 100 on Linux
    }

    long nanos() throws IOException {
      long ticks = 0;
      try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
        for (Path process : (Iterable<Path>) processes::iterator) {
          String[] stat = readStat(process);
          if (stat != null && (Long.parseLong(stat[0]) == postmaster || Long.parseLong(stat[1]) == postmaster)) {
            ticks += Long.parseLong(stat[2]) + Long.parseLong(stat[3]);
          }
        }
      }
      return (long) (ticks * nanosPerTick);
    }

    /** pid, ppid, utime, stime of a /proc entry, or null if it is not a readable process. */
    private static String[] readStat(Path process) {
      String name = process.getFileName().toString();
      if (!name.chars().allMatch(Character::isDigit)) {
        return null;
      }
      try {
        String stat = Files.readString(process.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
        return new String[] {name, fields[1], fields[11], fields[12]};
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
  }

  private static void insert(TestDatabase db, EventStore store, List<List<ChainedEvent>> batches, Strategy strategy) {
    for (List<ChainedEvent> batch : batches) {
      switch (strategy) {
        case UNNEST -> store.insert(batch).await();
        case UNNEST_SLICED -> store.insert(batch, PARALLELISM).await();
        case REPLAY_SLICED -> store.replay(batch, PARALLELISM).await();
        default -> {
          List<Tuple> rows = new ArrayList<>(batch.size());
          batch.forEach(event -> rows.add(row(event)));
          db.pool().preparedQuery(ROW_INSERT).executeBatch(rows).await();
        }
      }
    }
  }

  private static void buildCost() {
    Instant now = Instant.now();
    long sink = 0;
    for (int i = 0; i < BUILD_EVENTS / 10; i++) {
      sink += SampleEvents.allowed(i, "ws-" + (i & 7), now).latencyMicros();
    }
    long start = System.nanoTime();
    for (int i = 0; i < BUILD_EVENTS; i++) {
      sink += SampleEvents.allowed(i, "ws-" + (i & 7), now).latencyMicros();
    }
    double micros = (System.nanoTime() - start) / 1e3 / BUILD_EVENTS;
    System.out.printf("event building   %.2f us per event on one thread (builder, cleaning, validation; checksum %d)%n",
        micros, sink);
  }

  private static void endToEnd(Vertx vertx, TestDatabase db) throws Exception {
    String node = "bench-writer";
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EcdsaTestSigner signer = new EcdsaTestSigner();
    Path spool = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "bench-spool");
    AuditWriter writer = AuditWriter.start(vertx, db.pool(), AuditWriterOptions.builder(node, spool).build(),
        signer, registry).await();
    List<AuditEvent> ring = new ArrayList<>(RING);
    Instant now = Instant.now();
    for (int i = 0; i < RING; i++) {
      Instant at = now.plusNanos(i * EVENT_SPACING_NANOS);
      ring.add((i & 3) == 0 ? SampleEvents.unauthenticated(i, at) : SampleEvents.allowed(i, "ws-" + (i & 7), at));
    }
    AtomicLong accepted = new AtomicLong();
    AtomicLong backoffs = new AtomicLong();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOAD_SECONDS);
    List<Thread> producers = new ArrayList<>();
    long start = System.nanoTime();
    for (int p = 0; p < PRODUCERS; p++) {
      int offset = p * 7;
      Thread producer = new Thread(() -> {
        int i = offset;
        while (System.nanoTime() < deadline) {
          if (!writer.admitting()) {
            backoffs.incrementAndGet();
            LockSupport.parkNanos(BACKOFF_NANOS);
            continue;
          }
          if (writer.record(ring.get(i++ % RING))) {
            accepted.incrementAndGet();
          }
        }
      });
      producers.add(producer);
      producer.start();
    }
    for (Thread producer : producers) {
      producer.join();
    }
    double produceSeconds = (System.nanoTime() - start) / 1e9;
    writer.close().await();
    double seconds = (System.nanoTime() - start) / 1e9;

    long stored = db.pool().preparedQuery("SELECT count(*) FROM audit_events WHERE node_id = $1")
        .execute(Tuple.of(node)).await().iterator().next().getLong(0);
    assertEquals(accepted.get(), stored, "every accepted event is stored once");
    Timer batches = registry.get(AuditMetrics.BATCH_LATENCY).tag("node", node).tag("target", "database").timer();
    double spooled = registry.get(AuditMetrics.EVENTS_SPOOLED).tag("node", node).counter().count();
    System.out.printf("end to end       %,d events in %.1f s (producers %.1f s): %,.0f events/s sustained%n",
        stored, seconds, produceSeconds, stored / seconds);
    System.out.printf("                 %d producer threads, %,d batches, batch latency mean %.1f ms max %.1f ms, "
            + "spooled %,.0f, admission back-offs (1 ms each) %,d%n",
        PRODUCERS, batches.count(), batches.mean(TimeUnit.MILLISECONDS), batches.max(TimeUnit.MILLISECONDS),
        spooled, backoffs.get());

    long verifyStart = System.nanoTime();
    VerificationReport report = new ChainVerifier(db.pool(), signer).verify(node, VerificationRange.all()).await();
    double verifySeconds = (System.nanoTime() - verifyStart) / 1e9;
    assertTrue(report.intact(), report::toString);
    System.out.printf("verify           %,d events, %d checkpoints in %.1f s: %,.0f events/s%n",
        report.eventsChecked(), report.checkpointsChecked(), verifySeconds, report.eventsChecked() / verifySeconds);
    System.out.printf("load average at end %.2f%n%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static List<List<ChainedEvent>> chainedBatches(String node, int events) {
    ChainHasher hasher = new ChainHasher();
    List<List<ChainedEvent>> batches = new ArrayList<>();
    List<ChainedEvent> batch = new ArrayList<>(BATCH);
    ChainHash previous = ChainHash.GENESIS;
    Instant now = Instant.now();
    for (int i = 0; i < events; i++) {
      ChainedEvent event = hasher.link(node, i + 1, previous,
          SampleEvents.allowed(i, "ws-" + (i & 7), now.plusNanos(i * EVENT_SPACING_NANOS)));
      previous = event.hash();
      batch.add(event);
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

  private static Tuple row(ChainedEvent chained) {
    AuditEvent e = chained.event();
    JsonObject resources = new JsonObject();
    e.resourceIds().forEach(resources::put);
    return Tuple.tuple()
        .addValue(chained.nodeId()).addValue(chained.seq()).addValue(e.timestamp().atOffset(java.time.ZoneOffset.UTC))
        .addValue(e.eventId()).addValue(e.kind().wireName()).addValue(e.requestId()).addValue(e.decision().wireName())
        .addValue(e.reasonKey()).addValue(e.status()).addValue(e.subject()).addValue(e.workspace())
        .addValue(e.tokenId()).addValue(e.clientAddress()).addValue(e.userAgent()).addValue(e.method())
        .addValue(e.routeId()).addValue(e.pathTemplate()).addValue(resources.encode()).addValue(e.messageType())
        .addValue(e.latencyMicros()).addValue(e.bytesIn()).addValue(e.bytesOut())
        .addValue(Buffer.buffer(chained.prevHash().bytes())).addValue(Buffer.buffer(chained.hash().bytes()))
        .addValue(e.traceId()).addValue(null).addValue(null).addValue(null).addValue(null).addValue(null)
        .addValue(null);
  }
}
