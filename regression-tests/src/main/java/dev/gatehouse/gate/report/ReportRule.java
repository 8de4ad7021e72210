package dev.gatehouse.gate.report;

import dev.gatehouse.gate.register.Severity;

/** A SARIF rule: a threat with its register severity, or a gate rule without one (null). */
public record ReportRule(String id, String title, Severity severity) {}
