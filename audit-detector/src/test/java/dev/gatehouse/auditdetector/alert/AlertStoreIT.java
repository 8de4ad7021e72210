package dev.gatehouse.auditdetector.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.detect.Finding;
import dev.gatehouse.auditdetector.rules.EventRef;
import dev.gatehouse.auditdetector.rules.Severity;
import dev.gatehouse.auditdetector.testsupport.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AlertStoreIT {

  private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

  private static Vertx vertx;
  private static TestDatabase db;
  private static AlertStore store;
  private static long seq;

  @BeforeAll
  static void startDatabase() throws Exception {
    vertx = Vertx.vertx();
    db = TestDatabase.start(vertx);
    store = new AlertStore(db.pool());
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    db.close();
    vertx.close().await();
  }

  @BeforeEach
  void emptyTables() {
    db.execute("DELETE FROM alerts");
    db.execute("DELETE FROM alert_suppressions");
    db.execute("DELETE FROM detector_cursors");
  }

  private static Finding finding(String rule, String entity, String workspace) {
    List<EventRef> evidence = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      evidence.add(new EventRef("node-a", ++seq, UUID.randomUUID()));
    }
    return new Finding(rule, 1, "title " + rule, Severity.HIGH, "T1110", "incident-response/runbooks/x.md", entity,
        workspace, T0, T0.plusSeconds(seq), T0.plusSeconds(seq + 10), 20, evidence);
  }

  private static Raised recordOne(Finding finding) {
    return store.record(List.of(finding), Map.of()).await().get(0);
  }

  @Test
  void findingsForTheSameRuleAndEntityExtendOneUnresolvedAlert() {
    Raised first = recordOne(finding("D01", "client_address=203.0.113.9", null));
    Raised second = recordOne(finding("D01", "client_address=203.0.113.9", null));
    Raised other = recordOne(finding("D01", "client_address=203.0.113.10", null));
    assertTrue(first.opened());
    assertFalse(second.opened());
    assertEquals(first.alertId(), second.alertId());
    assertNotEquals(first.alertId(), other.alertId());
    JsonObject alert = store.get(first.alertId(), null).await().orElseThrow();
    assertEquals(2, alert.getLong("count"));
    assertEquals(20, alert.getJsonArray("evidence").size());
    assertEquals("node-a", alert.getJsonArray("evidence").getJsonObject(0).getString("node"));
    assertEquals(List.of("opened", "updated"), alert.getJsonArray("history").stream()
        .map(h -> ((JsonObject) h).getString("action")).toList());
  }

  @Test
  void aResolvedAlertIsNeverReopenedAndANewFindingOpensAnotherAlert() {
    Raised first = recordOne(finding("D05", "jti=abc", "ws-1"));
    JsonObject acked = store.acknowledge(first.alertId(), "alice", "looking", null).await().orElseThrow();
    assertEquals("acknowledged", acked.getString("status"));
    CompletionException twice = assertThrows(CompletionException.class,
        () -> store.acknowledge(first.alertId(), "alice", null, null).toCompletionStage().toCompletableFuture().join());
    assertInstanceOf(IllegalStateException.class, twice.getCause());
    JsonObject resolved = store.resolve(first.alertId(), "bob", Disposition.TRUE_POSITIVE, "token rotated", null)
        .await().orElseThrow();
    assertEquals("resolved", resolved.getString("status"));
    assertEquals("true_positive", resolved.getString("disposition"));
    JsonObject last = resolved.getJsonArray("history").getJsonObject(2);
    assertEquals("bob", last.getString("actor"));
    assertEquals("acknowledged", last.getString("fromStatus"));
    assertEquals("token rotated", last.getString("note"));
    CompletionException again = assertThrows(CompletionException.class,
        () -> store.resolve(first.alertId(), "bob", Disposition.BENIGN, null, null)
            .toCompletionStage().toCompletableFuture().join());
    assertInstanceOf(IllegalStateException.class, again.getCause());

    Raised next = recordOne(finding("D05", "jti=abc", "ws-1"));
    assertTrue(next.opened());
    assertNotEquals(first.alertId(), next.alertId());
  }

  @Test
  void aWorkspaceRestrictedCallerCannotSeeOrChangeAnotherWorkspacesAlert() {
    Raised alert = recordOne(finding("D08", "subject=ws-1.eve", "ws-1"));
    assertTrue(store.get(alert.alertId(), "ws-2").await().isEmpty());
    assertTrue(store.acknowledge(alert.alertId(), "mallory", null, "ws-2").await().isEmpty());
    assertEquals("open", store.get(alert.alertId(), "ws-1").await().orElseThrow().getString("status"));
    assertTrue(store.list(AlertFilter.ALL.restrictedTo("ws-2"), null, 0).await().alerts().isEmpty());
  }

  @Test
  void anAssignmentIsRecordedInTheHistoryTheLatestCountsAndAResolvedAlertRefusesIt() {
    Raised raised = recordOne(finding("D02", "subject=ws-1.dan", "ws-1"));
    assertTrue(store.assign(raised.alertId(), "ann", "lead", "ws-2").await().isEmpty(), "not in that workspace");
    store.assign(raised.alertId(), "ann", "lead", "ws-1").await().orElseThrow();
    JsonObject assigned = store.assign(raised.alertId(), "bo", "ann", null).await().orElseThrow();
    assertEquals("bo", assigned.getString("assignee"));
    assertEquals("open", assigned.getString("status"), "the status is unchanged");
    JsonObject last = assigned.getJsonArray("history").getJsonObject(assigned.getJsonArray("history").size() - 1);
    assertEquals("assigned", last.getString("action"));
    assertEquals("ann", last.getString("actor"));
    assertEquals("bo", store.list(AlertFilter.ALL.restrictedTo("ws-1"), null, 0).await().alerts().stream()
        .filter(a -> a.getString("id").equals(raised.alertId().toString())).findFirst().orElseThrow()
        .getString("assignee"), "listed with its assignee");

    store.resolve(raised.alertId(), "bo", Disposition.BENIGN, null, null).await();
    CompletionException resolved = assertThrows(CompletionException.class,
        () -> store.assign(raised.alertId(), "cy", "bo", null).toCompletionStage().toCompletableFuture().join());
    assertInstanceOf(IllegalStateException.class, resolved.getCause());
  }

  @Test
  void anActiveSuppressionSwallowsMatchingFindingsAndCountsThem() {
    store.suppress(new NewSuppression("D01", null, "ws-1", "load test", "alice", Duration.ofHours(1)), Instant.now())
        .await();
    store.suppress(new NewSuppression("D02", "subject=ws-1.bob", null, "known client bug", "alice",
        Duration.ofHours(1)), Instant.now()).await();
    Raised suppressed = recordOne(finding("D01", "client_address=198.51.100.1", "ws-1"));
    Raised otherWorkspace = recordOne(finding("D01", "client_address=198.51.100.1", "ws-2"));
    Raised otherEntity = recordOne(finding("D02", "subject=ws-1.carol", "ws-1"));
    assertTrue(suppressed.suppressed());
    assertFalse(otherWorkspace.suppressed());
    assertFalse(otherEntity.suppressed());
    List<JsonObject> all = store.suppressions().await();
    JsonObject d01 = all.stream().filter(s -> s.getString("rule").equals("D01")).findFirst().orElseThrow();
    assertEquals(1, d01.getLong("hits"));
    assertTrue(d01.getBoolean("active"));
    assertEquals(2, store.list(AlertFilter.ALL, null, 0).await().alerts().size());
  }

  @Test
  void anExpiredSuppressionIsListedAsInactiveAndIgnored() {
    JsonObject expired = store.suppress(new NewSuppression("D01", null, null, "old", "alice", Duration.ofMinutes(1)),
        Instant.now().minus(Duration.ofHours(2))).await();
    assertFalse(expired.getBoolean("active"));
    assertFalse(recordOne(finding("D01", "client_address=198.51.100.2", null)).suppressed());
    assertTrue(store.unsuppress(UUID.fromString(expired.getString("id"))).await());
    assertTrue(store.suppressions().await().isEmpty());
  }

  @Test
  void suppressionsNeedAReasonAndABoundedDuration() {
    assertThrows(IllegalArgumentException.class,
        () -> new NewSuppression("D01", null, null, " ", "alice", Duration.ofHours(1)));
    assertThrows(IllegalArgumentException.class,
        () -> new NewSuppression("D01", null, null, "why", "alice", Duration.ofDays(91)));
  }

  @Test
  void findingsAndTheReadPositionAreStoredTogether() {
    store.record(List.of(finding("D15", "client_address=203.0.113.1", null)), Map.of("node-a", 41L, "node-b", 7L))
        .await();
    store.record(List.of(), Map.of("node-a", 40L)).await();
    assertEquals(Map.of("node-a", 41L, "node-b", 7L), store.cursors().await());
  }

  @Test
  void listsNewestFirstWithFiltersAndKeysetPages() {
    for (int i = 0; i < 7; i++) {
      recordOne(finding(i % 2 == 0 ? "D01" : "D13", "client_address=192.0.2." + i, i < 4 ? "ws-1" : "ws-2"));
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      AlertPage page = store.list(AlertFilter.ALL, cursor, 3).await();
      assertTrue(page.alerts().size() <= 3);
      page.alerts().forEach(a -> seen.add(a.getString("id")));
      cursor = page.nextCursor().orElse(null);
    } while (cursor != null);
    assertEquals(7, seen.size());
    assertEquals(7, seen.stream().distinct().count());
    AlertFilter d01InWs1 = new AlertFilter(AlertStatus.OPEN, "D01", "high", "ws-1", null, null);
    List<JsonObject> filtered = store.list(d01InWs1, null, 0).await().alerts();
    assertEquals(2, filtered.size());
    assertTrue(filtered.stream().allMatch(a -> a.getString("rule").equals("D01") && a.getString("workspace").equals("ws-1")));
    assertThrows(IllegalArgumentException.class, () -> store.list(AlertFilter.ALL, "not-a-cursor", 0));
    assertThrows(IllegalArgumentException.class, () -> store.list(AlertFilter.ALL, null, AlertStore.MAX_LIMIT + 1));
  }
}
