package dev.gatehouse.gate.report;

import java.util.List;

/**
 * What one gate run found, independent of the output format.
 *
 * @param name    file name stem and JUnit suite name, e.g. {@code trace}
 * @param title   heading of the Markdown summary
 * @param summary short lines for the top of the summary (counts, the target, the date)
 * @param rules   the SARIF rules findings refer to
 */
public record GateReport(String name, String title, boolean passed, List<String> summary, List<ReportCheck> checks,
    List<ReportFinding> findings, List<ReportRule> rules) {

  public GateReport {
    summary = List.copyOf(summary);
    checks = List.copyOf(checks);
    findings = List.copyOf(findings);
    rules = List.copyOf(rules);
  }

  public String verdict() {
    return passed ? "PASS" : "FAIL";
  }
}
