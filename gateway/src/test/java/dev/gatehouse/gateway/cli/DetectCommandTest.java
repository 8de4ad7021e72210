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

  static final String OWN_RULES = """
      version: 1
      rules:
        - id: D14
          title: Expired token replayed (tuned)
          severity: low
          attack: T1550.001
          runbook: runbooks/local.md#d14
          falsePositives: Broken refresh logic.
          entity: [client_address]
          where:
            all:
              - equals: { field: decision, value: deny }
              - equals: { field: reason_key, value: expired }
          count: { window: 15m, threshold: 1000 }
        - id: L01
          title: Local rule, every refused request
          severity: low
          attack: T1110
          runbook: runbooks/local.md#l01
          falsePositives: Everything.
          entity: [client_address]
          where: { equals: { field: decision, value: deny } }
          count: { window: 1m, threshold: 1 }
      """;

  @Test
  void evalScoresAnOperatorsRuleFilesWithTheShippedRules(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("local.yaml"), OWN_RULES);
    Run run = run("detect", "eval", "--seed", "7", "--days", "18", "--subjects", "81", "--rules", dir.toString());
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("| L01 | "), run.out());
    // The tuned D14 replaced the shipped one: with a threshold of 1,000 it finds none of D14's attacks.
    assertTrue(run.out().lines().anyMatch(l -> l.startsWith("| D14 | 0 | 0 | 10 | 0 | ")), run.out());
    assertEquals(1, run.out().lines().filter(l -> l.startsWith("| D14 | ")).count(), run.out());
    for (RuleDefinition rule : new RuleLoader().loadShipped()) {
      assertTrue(run.out().contains("| " + rule.id() + " | "), "a row for " + rule.id());
    }
  }

  @Test
  void evalRefusesABadRuleFileNamingFileAndLine(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("local.yaml"), OWN_RULES.replace("threshold: 1000", "threshold: lots"));
    Run run = run("detect", "eval", "--days", "18", "--subjects", "81", "--rules", dir.toString());
    assertEquals(Main.EXIT_USAGE, run.exit());
    assertTrue(run.err().contains("local.yaml, line 14"), run.err());
    assertTrue(run.out().isEmpty(), run.out());
  }

  @Test
  void theStandaloneDetectorNeedsTheSharedDatabase(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("gatehouse.yaml"), "dataDir: " + dir.resolve("data") + "\n");
    Run run = run("detect", "--config", config.toString());
    assertEquals(Main.EXIT_USAGE, run.exit());
    assertTrue(run.err().contains("database.url"), run.err());
  }
}
