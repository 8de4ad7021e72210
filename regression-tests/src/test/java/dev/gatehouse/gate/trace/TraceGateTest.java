package dev.gatehouse.gate.trace;

import static dev.gatehouse.gate.trace.FixtureRepo.accepted;
import static dev.gatehouse.gate.trace.FixtureRepo.checked;
import static dev.gatehouse.gate.trace.FixtureRepo.mitigated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gate.register.Register;
import dev.gatehouse.gate.results.TagScanner;
import dev.gatehouse.gate.results.TestReports;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each traceability rule of threat-model/README.md on a small fixture repository: a clean one
 * passes, and one deliberate breakage at a time fails with a message naming the threat (or tag,
 * or checklist item).
 */
class TraceGateTest {

  static final LocalDate TODAY = LocalDate.of(2026, 11, 21);
  static final String PASSING = "dev.x.ATest#passes";
  static final String ATTACKS = "dev.x.AttacksIT#attack";

  @TempDir
  Path dir;

  /** The clean fixture: everything proven. Tests break one thing at a time. */
  FixtureRepo clean() {
    return new FixtureRepo(dir)
        .threat(mitigated("T-AUTH-001", PASSING, ATTACKS + "[J02]"))
        .threat(accepted("T-AUTH-013", "gateway maintainers", "2027-05-31"))
        .item(checked("ASVS-V9.1.1", PASSING, "T-AUTH-001"))
        .item("  - id: ASVS-V6.3.2\n    level: 1\n    text: No default accounts.\n    attestation:\n"
            + "      statement: The only credential is random.\n      evidence:\n"
            + "        - docs/GUIDE.md#Admin credential\n")
        .testcase("dev.x.ATest", "passes", "passed")
        .testcase("dev.x.AttacksIT", "attack(String, Row) \"J01 tampered\"", "passed")
        .testcase("dev.x.AttacksIT", "attack(String, Row) \"J02 alg none\"", "passed")
        .source("dev.x.ATest", "package dev.x;\n@Tag(\"T-AUTH-001\")\nclass ATest {}\n");
  }

  Verdict evaluate(FixtureRepo repo) throws Exception {
    Path root = repo.write();
    return new TraceGate(Register.load(root), TestReports.load(root), TagScanner.scan(root), root, TODAY).evaluate();
  }

  static List<String> messages(Verdict v, Rule rule) {
    return v.violations().stream().filter(x -> x.rule() == rule).map(Violation::message).toList();
  }

  @Test
  void a_register_whose_every_claim_is_proven_passes() throws Exception {
    Verdict v = evaluate(clean());
    assertTrue(v.passed(), () -> "violations: " + v.violations());
    assertEquals(2, v.counts().get("threats"));
  }

  @Test
  void an_open_threat_fails_naming_it() throws Exception {
    Verdict v = evaluate(clean().threat("  - id: T-ISO-002\n    title: BOLA\n    severity: critical\n    status: open\n"
        + "    planned: workspace-isolation\n"));
    assertEquals(List.of("T-ISO-002 (CRITICAL) is open: BOLA [planned: workspace-isolation]"),
        messages(v, Rule.OPEN_THREAT));
    assertFalse(v.passed());
  }

  @Test
  void a_deliberately_broken_mitigation_fails_naming_the_threat() throws Exception {
    FixtureRepo repo = clean();
    // The cited case J02 fails in the build's report: the mitigation no longer holds.
    repo.testcase("dev.x.AttacksIT", "attack(String, Row) \"J02 alg none, second run\"", "failed");
    Verdict v = evaluate(repo);
    assertEquals(List.of("T-AUTH-001: test dev.x.AttacksIT#attack[J02] failed"), messages(v, Rule.CITED_TEST_NOT_PASSING));
    assertFalse(v.passed());
  }

  @Test
  void a_cited_test_that_did_not_run_or_was_skipped_fails() throws Exception {
    Verdict v = evaluate(clean()
        .threat(mitigated("T-AUTH-002", "dev.x.GoneTest#removed", ATTACKS + "[J06]"))
        .threat(mitigated("T-AUTH-003", "dev.x.ATest#disabled"))
        .testcase("dev.x.ATest", "disabled", "skipped"));
    assertEquals(List.of(
        "T-AUTH-002: test dev.x.GoneTest#removed did not run (no test report names it)",
        "T-AUTH-002: test dev.x.AttacksIT#attack[J06] did not run (no test report names it)",
        "T-AUTH-003: test dev.x.ATest#disabled was skipped"), messages(v, Rule.CITED_TEST_NOT_PASSING));
  }

  @Test
  void a_mitigated_threat_added_without_tests_fails() throws Exception {
    Verdict v = evaluate(clean()
        .threat("  - id: T-DOS-009\n    title: New\n    severity: low\n    status: mitigated\n    mitigations:\n"
            + "      - text: A cap.\n        tests: []\n")
        .threat("  - id: T-DOS-010\n    title: Newer\n    severity: low\n    status: mitigated\n"));
    assertEquals(List.of("T-DOS-009: mitigation \"A cap.\" lists no test", "T-DOS-010 is mitigated but lists no mitigation"),
        messages(v, Rule.MITIGATION_WITHOUT_TESTS));
  }

  @Test
  void an_orphan_tag_fails_naming_the_tag_and_where_it_is() throws Exception {
    Verdict v = evaluate(clean().source("dev.x.BTest", "package dev.x;\n\nclass BTest {\n  @Test @Tag(\"T-AUTH-999\")\n"
        + "  void t() {}\n  @Tag(\"ASVS-V99.1.1\") void u() {}\n}\n"));
    List<Violation> orphans = v.violations().stream().filter(x -> x.rule() == Rule.ORPHAN_TAG).toList();
    assertEquals(List.of("T-AUTH-999 tags dev.x.BTest but names no threat in the register",
        "ASVS-V99.1.1 tags dev.x.BTest but names no checklist item"), orphans.stream().map(Violation::message).toList());
    assertEquals("m/src/test/java/dev/x/BTest.java", orphans.get(0).file());
    assertEquals(4, orphans.get(0).line());
  }

  @Test
  void an_expired_or_ownerless_accepted_risk_fails() throws Exception {
    Verdict v = evaluate(clean()
        .threat(accepted("T-SEC-013", "secrets maintainers", "2026-11-20"))
        .threat(accepted("T-AUD-007", null, "2026-11-21")));
    assertEquals(List.of(
        "T-SEC-013 is an accepted risk that expired on 2026-11-20 (owner: secrets maintainers)",
        "T-AUD-007 is an accepted risk without an owner"), messages(v, Rule.ACCEPTED_RISK_INVALID));
  }

  @Test
  void a_checklist_item_without_passing_check_or_existing_evidence_fails() throws Exception {
    Verdict v = evaluate(clean()
        .item("  - id: API1\n    text: BOLA.\n    status: not-yet\n    planned: workspace-isolation\n    threats: [T-AUTH-001]\n")
        .item(checked("ASVS-V9.1.2", "dev.x.ATest#broken", "T-AUTH-001"))
        .item("  - id: ASVS-V6.3.4\n    level: 2\n    text: Documented.\n    attestation:\n      statement: Yes.\n"
            + "      evidence:\n        - docs/GUIDE.md#No such heading\n        - docs/MISSING.md#x\n")
        .testcase("dev.x.ATest", "broken", "failed"));
    assertEquals(List.of(
        "API1 is not yet met [planned: workspace-isolation] (threats T-AUTH-001)",
        "ASVS-V9.1.2: check dev.x.ATest#broken failed (threats T-AUTH-001)",
        "ASVS-V6.3.4: evidence docs/GUIDE.md#No such heading names a section the file does not contain",
        "ASVS-V6.3.4: evidence docs/MISSING.md#x names a file that does not exist"),
        messages(v, Rule.CHECKLIST_UNPROVEN));
  }

  @Test
  void references_to_unknown_threats_or_checklist_items_fail() throws Exception {
    Verdict v = evaluate(clean()
        .threat(mitigated("T-AUTH-002", PASSING).replace("[ASVS-V9.1.1]", "[ASVS-V0.0.0]"))
        .item(checked("ASVS-V9.2.1", PASSING, "T-NOPE-001")));
    assertEquals(List.of("T-AUTH-002 names checklist item ASVS-V0.0.0, which does not exist",
        "ASVS-V9.2.1 names threat T-NOPE-001, which does not exist"), messages(v, Rule.UNKNOWN_REFERENCE));
  }

  @Test
  void a_failed_test_in_a_class_tagged_with_a_threat_fails_naming_the_threat() throws Exception {
    Verdict v = evaluate(clean().testcase("dev.x.ATest", "another", "failed"));
    assertEquals(List.of("T-AUTH-001: a test of dev.x.ATest failed"), messages(v, Rule.TAGGED_TEST_FAILED));
  }

  @Test
  void a_rendered_checklist_that_differs_from_the_yaml_fails() throws Exception {
    FixtureRepo repo = clean();
    repo.write();
    repo.write("security-checklist/checklist.yaml", "version: 1\nitems:\n" + checked("ASVS-V9.1.1", PASSING, "T-AUTH-001"));
    Path root = repo.root;
    Verdict v = new TraceGate(Register.load(root), TestReports.load(root), TagScanner.scan(root), root, TODAY).evaluate();
    assertEquals(1, messages(v, Rule.CHECKLIST_STALE).size());
  }

  @Test
  void a_bad_status_a_bad_test_id_and_a_duplicate_id_are_register_errors() throws Exception {
    Verdict v = evaluate(clean()
        .threat(mitigated("T-AUTH-005", "not a test id"))
        .threat("  - id: T-AUTH-006\n    title: X\n    severity: severe\n    status: done\n")
        .threat(mitigated("T-AUTH-001", PASSING)));
    assertEquals(List.of("T-AUTH-006: severity 'severe' is not critical, high, medium or low",
        "T-AUTH-001: the id is used by more than one threat",
        "T-AUTH-005: 'not a test id' is not a test id",
        "T-AUTH-006: status 'done' is not mitigated, accepted or open"), messages(v, Rule.REGISTER_INVALID));
  }
}
