package dev.gatehouse.gate.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gate.register.Severity;
import dev.gatehouse.gate.results.Outcome;
import dev.gatehouse.gate.results.TestCaseResult;
import dev.gatehouse.gate.results.TestReports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWritersTest {

  @TempDir
  Path dir;

  static GateReport failing() {
    return new GateReport("trace", "Gate", false, List.of("date: 2026-11-21"),
        List.of(new ReportCheck("threat", "T-AUTH-001", "Forged token <accepted> & \"quoted\"", Outcome.FAILED,
                List.of("T-AUTH-001: test x failed"), List.of("T-AUTH-001"), 0.5),
            new ReportCheck("threat", "T-DOS-001", "Oversized", Outcome.PASSED, List.of(), List.of("T-DOS-001"), 0),
            new ReportCheck("blackbox", "BB-J08", "jku", Outcome.SKIPPED, List.of("no issuer"), List.of("T-AUTH-003"), 0)),
        List.of(new ReportFinding("T-AUTH-001", "T-AUTH-001: test x failed", "threat-model/threats.yaml", 52),
            new ReportFinding("T-SEC-013", "T-SEC-013 expired", null, 0),
            new ReportFinding("gate/orphan-tag", "T-X-1 tags a.B", "m/src/test/java/a/B.java", 3)),
        List.of(new ReportRule("T-AUTH-001", "Forged", Severity.CRITICAL), new ReportRule("T-SEC-013", "Heap", Severity.LOW),
            new ReportRule("T-DOS-001", "Big", Severity.MEDIUM), new ReportRule("gate/orphan-tag", "orphan tag", null)));
  }

  @Test
  void sarif_rules_are_threat_ids_with_their_severity_and_results_carry_the_mapped_level() {
    JsonNode sarif = SarifWriter.toSarif(failing());
    assertEquals("2.1.0", sarif.path("version").asText());
    JsonNode run = sarif.path("runs").path(0);
    assertEquals("gatehouse-gate", run.path("tool").path("driver").path("name").asText());
    JsonNode rules = run.path("tool").path("driver").path("rules");
    assertEquals("T-AUTH-001", rules.path(0).path("id").asText());
    assertEquals("9.5", rules.path(0).path("properties").path("security-severity").asText());
    assertEquals("5.5", rules.path(2).path("properties").path("security-severity").asText());
    JsonNode results = run.path("results");
    assertEquals(List.of("error", "note", "warning"),
        List.of(results.path(0).path("level").asText(), results.path(1).path("level").asText(),
            results.path(2).path("level").asText()));
    assertEquals("threat-model/threats.yaml", results.path(0).path("locations").path(0).path("physicalLocation")
        .path("artifactLocation").path("uri").asText());
    assertEquals(52, results.path(0).path("locations").path(0).path("physicalLocation").path("region")
        .path("startLine").asInt());
    assertTrue(results.path(1).path("locations").isMissingNode());
    assertEquals("T-AUTH-001: test x failed", results.path(0).path("message").path("text").asText());
  }

  @Test
  void junit_xml_has_one_testcase_per_check_named_by_its_id_and_reads_back() throws Exception {
    Path file = dir.resolve("trace-junit.xml");
    JUnitXmlWriter.write(failing(), file);
    List<TestCaseResult> cases = TestReports.read(file);
    assertEquals(List.of("T-AUTH-001", "T-DOS-001", "BB-J08"), cases.stream().map(TestCaseResult::className).toList());
    assertEquals(List.of(Outcome.FAILED, Outcome.PASSED, Outcome.SKIPPED),
        cases.stream().map(TestCaseResult::outcome).toList());
    assertEquals("T-AUTH-001: test x failed", cases.get(0).message());
    assertTrue(Files.readString(file).contains("failures=\"1\" errors=\"0\" skipped=\"1\""));
  }

  @Test
  void the_summary_leads_with_the_verdict_and_lists_only_what_did_not_pass() {
    String md = MarkdownWriter.render(failing());
    assertTrue(md.startsWith("# Gate: **FAIL**\n"), md);
    assertTrue(md.contains("- checks: 3 (1 passed, 1 failed, 1 skipped)"), md);
    assertTrue(md.contains("| T-AUTH-001 | T-AUTH-001 | T-AUTH-001: test x failed |"), md);
    assertTrue(md.contains("- BB-J08: no issuer"), md);
    assertTrue(!md.contains("T-DOS-001"), md);
  }

  @Test
  void all_three_files_are_written() throws Exception {
    List<Path> files = ReportFiles.writeAll(failing(), dir.resolve("out"));
    assertEquals(List.of("trace-junit.xml", "trace.sarif", "trace.md"),
        files.stream().map(f -> f.getFileName().toString()).toList());
    assertTrue(files.stream().allMatch(Files::isRegularFile));
  }
}
