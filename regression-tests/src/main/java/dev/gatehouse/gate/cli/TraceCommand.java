package dev.gatehouse.gate.cli;

import dev.gatehouse.gate.register.Register;
import dev.gatehouse.gate.report.GateReport;
import dev.gatehouse.gate.report.ReportFiles;
import dev.gatehouse.gate.results.TagScanner;
import dev.gatehouse.gate.results.TestReports;
import dev.gatehouse.gate.trace.TraceGate;
import dev.gatehouse.gate.trace.TraceReport;
import dev.gatehouse.gate.trace.Verdict;
import dev.gatehouse.gate.trace.Violation;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gatehouse-gate trace}: the traceability verdict over a built repository. Exit 0 on PASS,
 * and also on FAIL unless {@code --enforce}; 1 on an enforced FAIL; 2 when the inputs cannot be read.
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = "Join threats.yaml and checklist.yaml with the build's JUnit reports and test tags; write the verdict.")
final class TraceCommand implements Callable<Integer> {

  @Option(names = "--root", defaultValue = ".", description = "Repository root (default: ${DEFAULT-VALUE}).")
  Path root;

  @Option(names = "--report-dir", required = true, description = "Where trace-junit.xml, trace.sarif and trace.md go.")
  Path reportDir;

  @Option(names = "--enforce", arity = "1", defaultValue = "false",
      description = "Exit 1 on a FAIL verdict (default: ${DEFAULT-VALUE}: report only).")
  boolean enforce;

  @Override
  public Integer call() throws Exception {
    Path repo = root.toAbsolutePath().normalize();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Register register = Register.load(repo);
    Verdict verdict = new TraceGate(register, TestReports.load(repo), TagScanner.scan(repo), repo, today).evaluate();
    GateReport report = TraceReport.from(register, verdict, today.toString());
    ReportFiles.writeAll(report, reportDir);
    System.out.println("gatehouse-gate trace: " + report.verdict() + " (" + verdict.violations().size()
        + " violations; reports in " + reportDir + ")");
    for (Violation v : verdict.violations()) {
      System.out.println("  [" + v.rule().title() + "] " + v.message());
    }
    if (!verdict.passed() && !enforce) {
      System.out.println("gatehouse-gate trace: not enforced (gate.enforce=false); the build continues");
    }
    return verdict.passed() || !enforce ? 0 : 1;
  }
}
