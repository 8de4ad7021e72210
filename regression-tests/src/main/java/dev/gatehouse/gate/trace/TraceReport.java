package dev.gatehouse.gate.trace;

import dev.gatehouse.gate.register.ChecklistItem;
import dev.gatehouse.gate.register.Register;
import dev.gatehouse.gate.register.Threat;
import dev.gatehouse.gate.report.GateReport;
import dev.gatehouse.gate.report.ReportCheck;
import dev.gatehouse.gate.report.ReportFinding;
import dev.gatehouse.gate.report.ReportRule;
import dev.gatehouse.gate.results.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a traceability verdict into a report: one check per threat and per checklist item (failed
 * with its violations' messages), one check for test tags and one for the rendered checklist; one
 * SARIF finding per violation, whose rule is the threat it bears on when there is one.
 */
public final class TraceReport {

  private TraceReport() {}

  public static GateReport from(Register register, Verdict verdict, String date) {
    Map<String, List<String>> bySubject = new LinkedHashMap<>();
    for (Violation v : verdict.violations()) {
      bySubject.computeIfAbsent(v.subject(), k -> new ArrayList<>()).add(v.message());
    }
    List<ReportCheck> checks = new ArrayList<>();
    for (Threat t : register.threats().values()) {
      checks.add(check("threat", t.id(), t.title(), bySubject.remove(t.id()), List.of(t.id())));
    }
    for (ChecklistItem item : register.checklist().values()) {
      checks.add(check("checklist", item.id(), item.text(), bySubject.remove(item.id()), item.threats()));
    }
    List<String> rest = new ArrayList<>();
    bySubject.values().forEach(rest::addAll);
    checks.add(check("gate", "gate.consistency", "test tags, register syntax and CHECKLIST.md rendering",
        rest.isEmpty() ? null : rest, List.of()));

    Map<String, ReportRule> rules = new LinkedHashMap<>();
    for (Threat t : register.threats().values()) {
      rules.put(t.id(), new ReportRule(t.id(), t.title(), t.severity()));
    }
    List<ReportFinding> findings = new ArrayList<>();
    for (Violation v : verdict.violations()) {
      String ruleId = ruleId(v);
      if (!rules.containsKey(ruleId)) {
        ChecklistItem item = register.checklist().get(ruleId);
        rules.put(ruleId, new ReportRule(ruleId, item != null ? item.text() : v.rule().title(), null));
      }
      findings.add(new ReportFinding(ruleId, "[" + v.rule().title() + "] " + v.message(), v.file(), v.line()));
    }

    List<String> summary = new ArrayList<>();
    Map<String, Integer> c = verdict.counts();
    summary.add("date: " + date);
    summary.add("threats: " + c.get("threats") + " (" + c.get("threats mitigated") + " mitigated, "
        + c.get("threats accepted") + " accepted, " + c.get("threats open") + " open)");
    summary.add("checklist: " + c.get("checklist items") + " items (" + c.get("checklist checked") + " checked, "
        + c.get("checklist attested") + " attested, " + c.get("checklist not yet") + " not yet)");
    summary.add("test cases in the build's JUnit reports: " + c.get("test cases reported") + "; threat tags in "
        + "test sources: " + c.get("threat tags"));
    Map<Rule, Integer> perRule = new LinkedHashMap<>();
    verdict.violations().forEach(v -> perRule.merge(v.rule(), 1, Integer::sum));
    perRule.forEach((rule, n) -> summary.add("violations, " + rule.title() + ": " + n));
    return new GateReport("trace", "Gatehouse release gate (traceability)", verdict.passed(), summary, checks,
        findings, new ArrayList<>(rules.values()));
  }

  private static ReportCheck check(String group, String id, String name, List<String> problems, List<String> threats) {
    return new ReportCheck(group, id, name, problems == null ? Outcome.PASSED : Outcome.FAILED,
        problems == null ? List.of() : problems, threats, 0);
  }

  private static String ruleId(Violation v) {
    if (v.threatId() != null) {
      return v.threatId();
    }
    if (v.rule() == Rule.CHECKLIST_UNPROVEN || v.rule() == Rule.UNKNOWN_REFERENCE
        || v.rule() == Rule.REGISTER_INVALID && v.file().equals(Register.CHECKLIST)) {
      return v.subject();
    }
    return "gate/" + v.rule().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
