package dev.gatehouse.gate.report;

/**
 * One SARIF result: a reason the gate fails.
 *
 * @param ruleId a threat id whenever the finding bears on a threat, otherwise a checklist id or gate rule
 * @param file   repository-relative location, or null
 */
public record ReportFinding(String ruleId, String message, String file, int line) {}
