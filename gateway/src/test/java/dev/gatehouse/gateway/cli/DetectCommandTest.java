package dev.gatehouse.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.auditdetector.rules.RuleLoader;
import dev.gatehouse.gateway.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectCommandTest {

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Run(cli.execute(args), out.toString(), err.toString());
  }

  @Test
  void evalPrintsEveryShippedRulesScoresOnSmallSeededTraffic() {
    Run run = run("detect", "eval", "--seed", "7", "--days", "18", "--subjects", "81");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("| rule | findings | TP | attacks | detected | precision | recall | F1 |"), run.out());
    for (RuleDefinition rule : new RuleLoader().loadShipped()) {
      assertTrue(run.out().contains("| " + rule.id() + " | "), "a row for " + rule.id());
    }
  }

  @Test
  void evalReportsProgressOnStderrOnly() {
    Run run = run("detect", "eval", "--seed", "7", "--days", "18", "--subjects", "81");
    assertEquals(0, run.exit(), run.err());
    java.util.List<String> progress = run.err().lines().filter(line -> line.contains("simulated day")).toList();
    assertEquals(18, progress.size(), run.err());
    assertEquals("gatehouse: evaluating: simulated day 1 of 18 (0%)", progress.get(0));
    assertEquals("gatehouse: evaluating: simulated day 18 of 18 (94%)", progress.get(17));
    assertTrue(run.err().contains("gatehouse: evaluated "), run.err());
    assertFalse(run.out().contains("gatehouse:"), "stdout holds the report alone");
  }

  @Test
  void evalRefusesTooShortARun() {
    Run run = run("detect", "eval", "--days", "7");
    assertEquals(Main.EXIT_USAGE, run.exit());
    assertTrue(run.err().contains("at least 18 days"), run.err());
  }

  @Test
  void theStandaloneDetectorNeedsTheSharedDatabase(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("gatehouse.yaml"), "dataDir: " + dir.resolve("data") + "\n");
    Run run = run("detect", "--config", config.toString());
    assertEquals(Main.EXIT_USAGE, run.exit());
    assertTrue(run.err().contains("database.url"), run.err());
  }
}
