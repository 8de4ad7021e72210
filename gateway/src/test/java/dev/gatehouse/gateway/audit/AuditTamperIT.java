package dev.gatehouse.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampering with one stored row, by direct SQL, makes {@code gatehouse audit verify} (run against
 * the live admin API) fail and name that sequence number; undoing it makes verify pass again.
 */
class AuditTamperIT {

  static final int EVENTS = 20;

  @TempDir
  static Path dataDir;
  static AuditNode node;

  @BeforeAll
  static void start() throws Exception {
    node = new AuditNode(dataDir);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      ids.add(node.send(node.request("/hello")).headers().firstValue("X-Request-Id").orElseThrow());
    }
    assertEquals(EVENTS, node.awaitStored(ids, Duration.ofSeconds(30)).size());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @AfterEach
  void the_restored_trail_verifies_again() {
    AuditNode.Run run = node.cli(node.adminTokenFile, "audit", "verify");
    assertEquals(0, run.exit(), run.out() + run.err());
    assertTrue(verified(run.out()) >= EVENTS, run.out());
  }

  /**
   * The count in {@code ok: N events verified}. The admin plane audits its own requests (these
   * verify calls included), so the chain holds at least the {@value #EVENTS} requests sent.
   */
  static long verified(String out) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^ok: (\\d+) events verified").matcher(out);
    assertTrue(m.find(), out);
    return Long.parseLong(m.group(1));
  }

  @Test
  void the_untouched_trail_verifies_for_the_whole_chain_and_for_a_range() {
    AuditNode.Run all = node.cli(node.adminTokenFile, "audit", "verify");
    AuditNode.Run range = node.cli(node.adminTokenFile, "audit", "verify", "--node", AuditNode.NODE,
        "--from-seq", "5", "--to-seq", "9");

    assertEquals(0, all.exit(), all.err());
    assertTrue(verified(all.out()) >= EVENTS, "the requests and the admin plane's own events: " + all.out());
    assertEquals(0, range.exit(), range.err());
    assertTrue(range.out().startsWith("ok: 5 events verified"), range.out());
  }

  @Test
  void verify_reports_progress_on_stderr_and_keeps_stdout_to_the_verdict() {
    AuditNode.Run run = node.cli(node.adminTokenFile, "audit", "verify", "--batch", "5");

    assertEquals(0, run.exit(), run.err());
    assertEquals(1, run.out().lines().count(), "stdout is the verdict alone: " + run.out());
    assertTrue(verified(run.out()) >= EVENTS, run.out());
    java.util.List<String> progress = run.err().lines().filter(line -> line.contains(" events (")).toList();
    assertTrue(progress.size() >= EVENTS / 5, "a progress line per batch: " + run.err());
    assertTrue(progress.get(0).matches("gatehouse: verified 5 of \\d+ events \\(\\d+%\\)"), progress.get(0));
    assertTrue(progress.get(progress.size() - 1).endsWith("(100%)"), progress.get(progress.size() - 1));
  }

  @Test
  void a_break_in_a_later_batch_is_found_as_in_one_pass() throws Exception {
    long status = node.count(where(12, "status"));
    node.execute("UPDATE audit_events SET status = 299 WHERE " + row(12));
    try {
      AuditNode.Run run = node.cli(node.adminTokenFile, "audit", "verify", "--batch", "5");

      assertEquals(1, run.exit());
      assertTrue(run.out().startsWith("broken: node " + AuditNode.NODE + " seq 12: CHANGED"), run.out());
    } finally {
      node.execute("UPDATE audit_events SET status = " + status + " WHERE " + row(12));
    }
  }

  @Test
  void a_changed_row_fails_verify_at_its_sequence() throws Exception {
    long status = node.count(where(7, "status"));
    node.execute("UPDATE audit_events SET status = 299 WHERE " + row(7));
    try {
      AuditNode.Run run = node.cli(node.adminTokenFile, "audit", "verify");

      assertEquals(1, run.exit());
      assertTrue(run.out().startsWith("broken: node " + AuditNode.NODE + " seq 7: CHANGED"), run.out());
    } finally {
      node.execute("UPDATE audit_events SET status = " + status + " WHERE " + row(7));
    }
  }

  @Test
  void a_deleted_row_fails_verify_at_its_sequence() throws Exception {
    node.execute("CREATE TABLE tamper_backup AS SELECT * FROM audit_events WHERE " + row(9));
    node.execute("DELETE FROM audit_events WHERE " + row(9));
    try {
      AuditNode.Run run = node.cli(node.adminTokenFile, "audit", "verify");

      assertEquals(1, run.exit());
      assertTrue(run.out().startsWith("broken: node " + AuditNode.NODE + " seq 9: MISSING"), run.out());
    } finally {
      node.execute("INSERT INTO audit_events SELECT * FROM tamper_backup");
      node.execute("DROP TABLE tamper_backup");
    }
  }

  @Test
  void an_inserted_row_fails_verify_at_its_sequence() throws Exception {
    node.execute("CREATE TABLE tamper_copy AS SELECT * FROM audit_events WHERE " + row(12));
    node.execute("UPDATE tamper_copy SET event_id = gen_random_uuid(), ts = ts + interval '1 millisecond'");
    node.execute("INSERT INTO audit_events SELECT * FROM tamper_copy");
    try {
      AuditNode.Run run = node.cli(node.adminTokenFile, "audit", "verify");

      assertEquals(1, run.exit());
      assertTrue(run.out().startsWith("broken: node " + AuditNode.NODE + " seq 12: INSERTED"), run.out());
    } finally {
      node.execute("DELETE FROM audit_events WHERE event_id IN (SELECT event_id FROM tamper_copy)");
      node.execute("DROP TABLE tamper_copy");
    }
  }

  private static String row(long seq) {
    return "node_id = '" + AuditNode.NODE + "' AND seq = " + seq;
  }

  private static String where(long seq, String column) {
    return "SELECT " + column + " FROM audit_events WHERE " + row(seq);
  }
}
