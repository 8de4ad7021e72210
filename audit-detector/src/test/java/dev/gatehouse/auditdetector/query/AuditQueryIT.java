package dev.gatehouse.auditdetector.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import dev.gatehouse.auditdetector.testsupport.CollectingWriteStream;
import dev.gatehouse.auditdetector.testsupport.EcdsaTestSigner;
import dev.gatehouse.auditdetector.testsupport.EventSchema;
import dev.gatehouse.auditdetector.testsupport.SampleEvents;
import dev.gatehouse.auditdetector.testsupport.TestDatabase;
import dev.gatehouse.auditdetector.writer.AuditWriter;
import dev.gatehouse.auditdetector.writer.AuditWriterOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class AuditQueryIT {

  private static final Instant START = Instant.parse("2025-06-02T00:00:00Z");
  private static final int EVENTS = 300;
  private static final String CANARY_TOKEN =
      "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJjYW5hcnktdG9rZW4ifQ.Y2FuYXJ5LXNpZ25hdHVyZQ";
  private static final String CANARY_SECRET = "ghs:v1:Q0FOQVJZLVNFQ1JFVC1WQUxVRQ";

  private static Vertx vertx;
  private static TestDatabase db;
  private static AuditQuery query;
  private static final List<AuditEvent> RECORDED = new ArrayList<>();

  @BeforeAll
  static void recordEvents() throws IOException {
    vertx = Vertx.vertx();
    db = TestDatabase.start(vertx);
    Path spool = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "spool");
    AuditWriter writer = AuditWriter.start(vertx, db.pool(), AuditWriterOptions.builder("node-q", spool).build(),
        new EcdsaTestSigner(), new SimpleMeterRegistry()).await();
    for (int i = 0; i < EVENTS; i++) {
      Instant at = START.plusSeconds(i);
      AuditEvent event = switch (i % 3) {
        case 0 -> SampleEvents.allowed(i, i % 2 == 0 ? "ws-a" : "ws-b", at);
        case 1 -> SampleEvents.unauthenticated(i, at);
        default -> SampleEvents.websocketDenied(i, "ws-b", at);
      };
      RECORDED.add(event);
      writer.record(event);
    }
    AuditEvent canary = AuditEvent.builder(EventKind.HTTP, Decision.DENY, "unauthenticated")
        .timestamp(START.plusSeconds(EVENTS)).requestId("req-canary").status(401)
        .userAgent("probe/1.0 Authorization: Bearer " + CANARY_TOKEN)
        .principal(CANARY_SECRET, null, null)
        .method("GET").route("agents.get", "/api/agents/{agentId}").resourceId("agentId", CANARY_TOKEN)
        .build();
    RECORDED.add(canary);
    writer.record(canary);
    writer.close().await();
    query = new AuditQuery(db.pool());
  }

  @AfterAll
  static void stopDatabase() throws IOException {
    db.close();
    vertx.close().await();
  }

  private static List<JsonObject> all(AuditFilter filter, int pageSize) {
    List<JsonObject> events = new ArrayList<>();
    String cursor = null;
    do {
      AuditPage page = query.search(filter, cursor, pageSize).await();
      events.addAll(page.events());
      cursor = page.nextCursor().orElse(null);
    } while (cursor != null);
    return events;
  }

  private static long expected(Predicate<AuditEvent> condition) {
    return RECORDED.stream().filter(condition).count();
  }

  @Test
  void keyset_pages_return_every_match_once_newest_first() {
    List<JsonObject> events = all(AuditFilter.ALL.withWorkspace("ws-b"), 7);
    assertEquals(expected(e -> "ws-b".equals(e.workspace())), events.size());
    Set<Long> seqs = new HashSet<>();
    events.forEach(e -> seqs.add(e.getLong("seq")));
    assertEquals(events.size(), seqs.size());
    for (int i = 1; i < events.size(); i++) {
      assertTrue(Instant.parse(events.get(i - 1).getString("ts")).isAfter(Instant.parse(events.get(i).getString("ts"))));
    }
  }

  @Test
  void filters_combine_as_and() {
    AuditFilter filter = AuditFilter.ALL.withDecision(Decision.DENY).withStatus(401);
    assertEquals(expected(e -> e.decision() == Decision.DENY && Integer.valueOf(401).equals(e.status())),
        all(filter, 50).size());
    assertEquals(expected(e -> "jti-3".equals(e.tokenId())), all(AuditFilter.ALL.withTokenId("jti-3"), 50).size());
    assertEquals(expected(e -> "user-2".equals(e.subject())), all(AuditFilter.ALL.withSubject("user-2"), 50).size());
    assertEquals(expected(e -> "messaging.socket".equals(e.routeId())),
        all(AuditFilter.ALL.withRouteId("messaging.socket"), 50).size());
  }

  @Test
  void time_range_is_inclusive_from_and_exclusive_to() {
    AuditFilter filter = AuditFilter.ALL.withTime(START.plusSeconds(10), START.plusSeconds(20));
    assertEquals(10, all(filter, 0).size());
  }

  @Test
  void client_address_and_reason_filters_match_exactly() {
    assertEquals(expected(e -> "198.51.100.7".equals(e.clientAddress())),
        all(AuditFilter.ALL.withClientAndReason("198.51.100.7", null), 50).size());
    assertEquals(expected(e -> "forbidden_room".equals(e.reasonKey())),
        all(AuditFilter.ALL.withClientAndReason(null, "forbidden_room"), 50).size());
    assertTrue(all(AuditFilter.ALL.withClientAndReason("198.51.100.7", "allowed"), 50).isEmpty());
  }

  @Test
  void one_event_is_found_by_position_by_event_id_and_by_request_id() {
    AuditEvent wanted = RECORDED.get(5);
    List<JsonObject> byRequest = all(AuditFilter.ALL.withRequestId(wanted.requestId()), 10);
    assertEquals(1, byRequest.size());
    assertEquals(wanted.eventId().toString(), byRequest.get(0).getString("event_id"));
    JsonObject byEventId = all(AuditFilter.ALL.withEventId(wanted.eventId()), 10).get(0);
    assertEquals(wanted.requestId(), byEventId.getString("request_id"));
    List<JsonObject> byPosition =
        all(AuditFilter.ALL.withPosition(byEventId.getString("node_id"), byEventId.getLong("seq")), 10);
    assertEquals(List.of(byEventId), byPosition);
  }

  @Test
  void lookups_by_event_id_and_request_id_are_served_by_their_hash_indexes() {
    AuditEvent wanted = RECORDED.get(5);
    for (String column : List.of("event_id", "request_id")) {
      String definition = db.pool().preparedQuery("SELECT indexdef FROM pg_indexes WHERE indexname = $1")
          .execute(Tuple.of("audit_events_" + column + "_idx")).await().iterator().next().getString(0);
      assertTrue(definition.contains("USING hash (" + column + ")"), definition);
    }
    // With sequential scans priced out, the plan must name the index: without one there is no plan but a scan.
    String plan = db.pool().withConnection(c -> c.query("SET enable_seqscan = off").execute()
        .compose(v -> c.preparedQuery("EXPLAIN SELECT seq FROM audit_events WHERE request_id = $1")
            .execute(Tuple.of(wanted.requestId())))
        .map(rows -> {
          StringBuilder text = new StringBuilder();
          rows.forEach(row -> text.append(row.getString(0)).append('\n'));
          return text.toString();
        })).await();
    assertTrue(plan.contains("request_id_idx"), plan);
  }

  @Test
  @Tag("T-AUD-006")
  void a_workspace_scoped_lookup_of_another_workspaces_event_matches_nothing() {
    AuditEvent other = RECORDED.stream().filter(e -> "ws-a".equals(e.workspace())).findFirst().orElseThrow();
    assertEquals(1, all(AuditFilter.ALL.withEventId(other.eventId()), 10).size());
    assertTrue(all(AuditFilter.ALL.withEventId(other.eventId()).restrictedTo("ws-b"), 10).isEmpty());
    assertTrue(all(AuditFilter.ALL.withRequestId(other.requestId()).restrictedTo("ws-b"), 10).isEmpty());
  }

  @Test
  void a_workspace_scoped_reader_sees_only_its_workspace_whatever_it_asks_for() {
    AuditFilter asked = AuditFilter.ALL.withWorkspace("ws-a");
    List<JsonObject> events = all(asked.restrictedTo("ws-b"), 100);
    assertFalse(events.isEmpty());
    assertTrue(events.stream().allMatch(e -> "ws-b".equals(e.getString("workspace"))));
    assertTrue(all(AuditFilter.ALL.restrictedTo("ws-none"), 100).isEmpty());
  }

  @Test
  void export_writes_one_schema_valid_json_line_per_event_oldest_first() {
    CollectingWriteStream out = new CollectingWriteStream();
    long written = query.export(AuditFilter.ALL.withTime(START, START.plusSeconds(EVENTS + 1)), out).await();
    List<String> lines = out.lines();
    assertEquals(EVENTS + 1, written);
    assertEquals(EVENTS + 1, lines.size());
    long previousSeq = 0;
    for (String line : lines) {
      assertTrue(EventSchema.errors(line).isEmpty(), () -> EventSchema.errors(line).toString());
      long seq = new JsonObject(line).getLong("seq");
      assertTrue(seq > previousSeq);
      previousSeq = seq;
    }
  }

  @Test
  void no_stored_row_contains_a_canary_token_or_secret() {
    for (String canary : List.of(CANARY_TOKEN, CANARY_SECRET, "Y2FuYXJ5LXNpZ25hdHVyZQ", "Q0FOQVJZLVNFQ1JFVC1WQUxVRQ")) {
      long hits = db.pool().preparedQuery("SELECT count(*) FROM audit_events e WHERE e::text LIKE '%' || $1 || '%'")
          .execute(Tuple.of(canary)).await().iterator().next().getLong(0);
      assertEquals(0, hits, "canary found in the audit trail");
    }
    assertEquals(1, all(AuditFilter.ALL.withStatus(401).withRouteId("agents.get"), 10).size());
  }

  @Test
  void a_malformed_cursor_is_rejected() {
    assertThrows(IllegalArgumentException.class, () -> query.search(AuditFilter.ALL, "bm90LWEtY3Vyc29y", 10));
  }

  @Test
  void a_page_size_above_the_maximum_is_rejected() {
    assertThrows(IllegalArgumentException.class, () -> query.search(AuditFilter.ALL, null, AuditQuery.MAX_LIMIT + 1));
  }

  @Test
  void an_inverted_time_range_is_rejected() {
    assertThrows(IllegalArgumentException.class, () -> AuditFilter.ALL.withTime(START, START));
  }
}
