package dev.gatehouse.gate.trace;

import static dev.gatehouse.gate.trace.FixtureRepo.mitigated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gate.cli.GateCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gate.enforce: a FAIL verdict writes its reports either way and fails the build only when enforced. */
class TraceCommandTest {

  @TempDir
  Path dir;

  Path brokenRepo() throws Exception {
    return new FixtureRepo(dir.resolve("repo"))
        .threat(mitigated("T-AUTH-001", "dev.x.ATest#passes"))
        .testcase("dev.x.ATest", "passes", "failed")
        .write();
  }

  @Test
  void an_enforced_fail_exits_1_and_an_unenforced_one_exits_0_both_with_reports() throws Exception {
    Path repo = brokenRepo();
    assertEquals(1, GateCommand.execute("trace", "--root", repo.toString(), "--report-dir", dir.resolve("a").toString(),
        "--enforce", "true"));
    assertEquals(0, GateCommand.execute("trace", "--root", repo.toString(), "--report-dir", dir.resolve("b").toString(),
        "--enforce", "false"));
    for (String d : new String[] {"a", "b"}) {
      String md = Files.readString(dir.resolve(d).resolve("trace.md"));
      assertTrue(md.contains("**FAIL**") && md.contains("T-AUTH-001: test dev.x.ATest#passes failed"), md);
      assertTrue(Files.readString(dir.resolve(d).resolve("trace.sarif")).contains("\"ruleId\" : \"T-AUTH-001\""));
    }
  }

  @Test
  void a_clean_repository_passes_even_when_enforced() throws Exception {
    Path repo = new FixtureRepo(dir.resolve("clean"))
        .threat(mitigated("T-AUTH-001", "dev.x.ATest#passes"))
        .item(FixtureRepo.checked("ASVS-V9.1.1", "dev.x.ATest#passes", "T-AUTH-001"))
        .testcase("dev.x.ATest", "passes", "passed")
        .write();
    assertEquals(0, GateCommand.execute("trace", "--root", repo.toString(), "--report-dir", dir.resolve("c").toString(),
        "--enforce", "true"));
    assertTrue(Files.readString(dir.resolve("c").resolve("trace.md")).startsWith(
        "# Gatehouse release gate (traceability): **PASS**"));
  }
}
