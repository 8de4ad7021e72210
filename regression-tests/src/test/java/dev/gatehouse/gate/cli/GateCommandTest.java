package dev.gatehouse.gate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the gate's command line says when it cannot run at all: exit 2 and one line. */
class GateCommandTest {

  @TempDir
  Path dir;

  /** The exit status and what went to standard error. */
  record Run(int status, String err) {}

  static Run run(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      return new Run(GateCommand.execute(args), captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  @Test
  void a_setup_error_exits_2_with_one_line_and_no_stack_trace() {
    Run missingToken = run("--target", "http://127.0.0.1:9", "--admin", "http://127.0.0.1:9",
        "--admin-token-file", dir.resolve("no-such-token").toString(), "--report-dir", dir.toString());
    assertEquals(2, missingToken.status(), missingToken.err());
    assertTrue(missingToken.err().startsWith("gatehouse-gate: cannot run: NoSuchFileException"), missingToken.err());
    assertEquals(1, missingToken.err().strip().lines().count(), missingToken.err());
    assertFalse(missingToken.err().contains("\tat "), "no stack trace");

    Run missingReport = run("data-age", "--report", dir.resolve("no-report.json").toString(), "--max-age-days", "45");
    assertEquals(2, missingReport.status(), missingReport.err());
  }
}
