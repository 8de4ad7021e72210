package dev.gatehouse.auditdetector.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.chain.ChainHasher;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.store.AuditRows;
import dev.gatehouse.auditdetector.store.EventStore;
import dev.gatehouse.auditdetector.testsupport.EcdsaTestSigner;
import dev.gatehouse.auditdetector.testsupport.SampleEvents;
import dev.gatehouse.auditdetector.testsupport.TestDatabase;
import dev.gatehouse.auditdetector.writer.AuditWriter;
import dev.gatehouse.auditdetector.writer.AuditWriterOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainVerifierIT {

  private static final int EVENTS = 50;
  private static final long TAMPERED = 20;
  private static final AtomicInteger NODES = new AtomicInteger();

  private static Vertx vertx;
  private static TestDatabase db;
  private static final EcdsaTestSigner SIGNER = new EcdsaTestSigner();

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

  /** Writes {@link #EVENTS} events through a real writer; close() pins the last one. */
  private String recordedChain() {
    String node = "node-v" + NODES.incrementAndGet();
    AuditWriterOptions options = AuditWriterOptions.builder(node, spoolDir)
        .checkpointInterval(Duration.ofHours(1)).build();
    AuditWriter writer = AuditWriter.start(vertx, db.pool(), options, SIGNER, new SimpleMeterRegistry()).await();
    Instant start = Instant.parse("2025-06-01T12:00:00Z");
    for (int i = 0; i < EVENTS; i++) {
      Instant at = start.plusSeconds(i);
      writer.record(i % 4 == 0 ? SampleEvents.unauthenticated(i, at)
          : i % 4 == 1 ? SampleEvents.egress(i, "ws-a", "agent-" + i, at) : SampleEvents.allowed(i, "ws-a", at));
    }
    writer.close().await();
    return node;
  }

  private static VerificationReport verify(String node) {
    return new ChainVerifier(db.pool(), SIGNER).verify(node, VerificationRange.all()).await();
  }

  private static ChainedEvent load(String node, long seq) {
    Row row = db.pool().preparedQuery("SELECT " + AuditRows.COLUMNS + " FROM audit_events WHERE node_id = $1 AND seq = $2")
        .execute(Tuple.of(node, seq)).await().iterator().next();
    return AuditRows.toEvent(row);
  }

  private static void rewrite(ChainedEvent event) {
    db.pool().preparedQuery("UPDATE audit_events SET status = $1, prev_hash = $2, hash = $3 WHERE node_id = $4 AND seq = $5")
        .execute(Tuple.of(event.event().status(), Buffer.buffer(event.prevHash().bytes()),
            Buffer.buffer(event.hash().bytes()), event.nodeId(), event.seq())).await();
  }

  private static AuditEvent withStatus(AuditEvent e, int status) {
    return new AuditEvent(e.eventId(), e.timestamp(), e.kind(), e.requestId(), e.decision(), e.reasonKey(), status,
        e.subject(), e.workspace(), e.tokenId(), e.clientAddress(), e.userAgent(), e.method(), e.routeId(),
        e.pathTemplate(), e.resourceIds(), e.messageType(), e.latencyMicros(), e.bytesIn(), e.bytesOut(),
        e.traceId(), e.modelCall());
  }

  private static void assertBrokenAt(VerificationReport report, long seq, BrokenLink.Kind kind) {
    BrokenLink link = report.brokenLink().orElseThrow(() -> new AssertionError("verify passed: " + report));
    assertEquals(kind, link.kind(), link::toString);
    assertEquals(seq, link.seq(), link::toString);
  }

  @Test
  void an_untouched_chain_verifies() {
    String node = recordedChain();
    VerificationReport report = verify(node);
    assertTrue(report.intact(), report::toString);
    assertEquals(EVENTS, report.eventsChecked());
    assertEquals(1, report.checkpointsChecked());
  }

  @Test
  void a_changed_column_is_reported_at_its_sequence() {
    String node = recordedChain();
    db.execute("UPDATE audit_events SET status = 500 WHERE node_id = '" + node + "' AND seq = " + TAMPERED);
    assertBrokenAt(verify(node), TAMPERED, BrokenLink.Kind.CHANGED);
  }

  @Test
  void a_model_call_survives_the_store_and_its_token_count_is_covered() {
    String node = recordedChain();
    long egressSeq = TAMPERED + 2; // (seq - 1) % 4 == 1: an egress event
    ChainedEvent stored = load(node, egressSeq);
    assertEquals(SampleEvents.egress((int) egressSeq - 1, "ws-a", "agent-" + (egressSeq - 1),
        stored.event().timestamp()).modelCall(), stored.event().modelCall());
    db.execute("UPDATE audit_events SET tokens_out = 1 WHERE node_id = '" + node + "' AND seq = " + egressSeq);
    assertBrokenAt(verify(node), egressSeq, BrokenLink.Kind.CHANGED);
  }

  @Test
  void a_changed_row_with_a_recomputed_hash_is_reported_at_its_sequence() {
    String node = recordedChain();
    ChainedEvent original = load(node, TAMPERED);
    rewrite(new ChainHasher().link(node, TAMPERED, original.prevHash(), withStatus(original.event(), 201)));
    assertBrokenAt(verify(node), TAMPERED, BrokenLink.Kind.CHANGED);
  }

  @Test
  void a_deleted_row_is_reported_missing_at_its_sequence() {
    String node = recordedChain();
    db.execute("DELETE FROM audit_events WHERE node_id = '" + node + "' AND seq = " + TAMPERED);
    assertBrokenAt(verify(node), TAMPERED, BrokenLink.Kind.MISSING);
  }

  @Test
  void a_row_inserted_with_renumbering_and_a_valid_link_is_reported_at_its_sequence() {
    String node = recordedChain();
    ChainHash before = load(node, TAMPERED - 1).hash();
    db.execute("UPDATE audit_events SET seq = -seq WHERE node_id = '" + node + "' AND seq >= " + TAMPERED);
    db.execute("UPDATE audit_events SET seq = -seq + 1 WHERE node_id = '" + node + "' AND seq < 0");
    ChainedEvent forged = new ChainHasher().link(node, TAMPERED, before,
        SampleEvents.allowed(999, "ws-a", Instant.parse("2025-06-01T12:00:19.5Z")));
    new EventStore(db.pool()).insert(List.of(forged)).await();
    assertBrokenAt(verify(node), TAMPERED, BrokenLink.Kind.INSERTED);
  }

  @Test
  void a_row_inserted_with_a_reused_sequence_number_is_reported_at_that_sequence() {
    String node = recordedChain();
    ChainedEvent original = load(node, TAMPERED);
    AuditEvent fake = SampleEvents.allowed(998, "ws-a", original.event().timestamp().plusMillis(1));
    ChainedEvent forged = new ChainedEvent(node, TAMPERED, fake, original.prevHash(),
        ChainHash.fromHex("00".repeat(31) + "01"));
    new EventStore(db.pool()).insert(List.of(forged)).await();
    assertBrokenAt(verify(node), TAMPERED, BrokenLink.Kind.INSERTED);
  }

  @Test
  void a_rewritten_chain_with_every_hash_recomputed_fails_its_signed_checkpoint() {
    String node = recordedChain();
    ChainHasher hasher = new ChainHasher();
    ChainHash previous = load(node, TAMPERED - 1).hash();
    for (long seq = TAMPERED; seq <= EVENTS; seq++) {
      ChainedEvent original = load(node, seq);
      AuditEvent event = seq == TAMPERED ? withStatus(original.event(), 204) : original.event();
      ChainedEvent relinked = hasher.link(node, seq, previous, event);
      rewrite(relinked);
      previous = relinked.hash();
    }
    assertBrokenAt(verify(node), EVENTS, BrokenLink.Kind.CHECKPOINT_MISMATCH);
  }

  @Test
  void events_deleted_from_the_end_are_reported_missing_up_to_the_checkpoint() {
    String node = recordedChain();
    db.execute("DELETE FROM audit_events WHERE node_id = '" + node + "' AND seq >= 45");
    assertBrokenAt(verify(node), 45, BrokenLink.Kind.MISSING);
  }

  @Test
  void a_checkpoint_with_a_forged_signature_is_reported() {
    String node = recordedChain();
    db.execute("UPDATE audit_checkpoints SET signature = decode('3006020101020101', 'hex') WHERE node_id = '" + node + "'");
    assertBrokenAt(verify(node), EVENTS, BrokenLink.Kind.CHECKPOINT_FORGED);
  }

  @Test
  void a_row_that_no_longer_parses_is_reported_changed() {
    String node = recordedChain();
    db.execute("UPDATE audit_events SET decision = 'maybe' WHERE node_id = '" + node + "' AND seq = " + TAMPERED);
    assertBrokenAt(verify(node), TAMPERED, BrokenLink.Kind.CHANGED);
  }

  @Test
  void a_sequence_range_is_verified_from_the_link_before_it() {
    String node = recordedChain();
    VerificationReport report = new ChainVerifier(db.pool(), SIGNER)
        .verify(node, VerificationRange.sequences(10L, 30L)).await();
    assertTrue(report.intact(), report::toString);
    assertEquals(21, report.eventsChecked());
    db.execute("UPDATE audit_events SET hash = decode('" + "11".repeat(32) + "', 'hex') WHERE node_id = '"
        + node + "' AND seq = 9");
    VerificationReport broken = new ChainVerifier(db.pool(), SIGNER)
        .verify(node, VerificationRange.sequences(10L, 30L)).await();
    assertBrokenAt(broken, 9, BrokenLink.Kind.CHANGED);
  }

  @Test
  void a_time_range_covers_the_events_recorded_in_it() {
    String node = recordedChain();
    VerificationReport report = new ChainVerifier(db.pool(), SIGNER).verify(node, VerificationRange.time(
        Instant.parse("2025-06-01T12:00:10Z"), Instant.parse("2025-06-01T12:00:20Z"))).await();
    assertTrue(report.intact(), report::toString);
    assertEquals(11, report.fromSeq());
    assertEquals(20, report.toSeq());
  }

  @Test
  void verify_all_reports_each_node() {
    String intact = recordedChain();
    String tampered = recordedChain();
    db.execute("DELETE FROM audit_events WHERE node_id = '" + tampered + "' AND seq = 3");
    List<VerificationReport> reports = new ChainVerifier(db.pool(), SIGNER).verifyAll(VerificationRange.all()).await();
    List<String> broken = new ArrayList<>();
    reports.forEach(r -> {
      if (!r.intact()) {
        broken.add(r.nodeId());
      }
    });
    assertTrue(broken.contains(tampered), broken::toString);
    assertTrue(reports.stream().anyMatch(r -> r.nodeId().equals(intact) && r.intact()));
  }

  @Test
  void a_node_without_events_verifies_as_empty() {
    VerificationReport report = verify("node-none-" + UUID.randomUUID().toString().substring(0, 8));
    assertTrue(report.intact());
    assertEquals(0, report.eventsChecked());
  }
}
