package dev.gatehouse.gate.blackbox;

import dev.gatehouse.gate.register.Register;
import dev.gatehouse.gate.register.Severity;
import dev.gatehouse.gate.register.Threat;
import dev.gatehouse.gate.report.GateReport;
import dev.gatehouse.gate.report.ReportCheck;
import dev.gatehouse.gate.report.ReportFinding;
import dev.gatehouse.gate.report.ReportRule;
import dev.gatehouse.gate.results.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The black-box suite: every case, in a fixed order (the failed-authentication limiter last, so
 * its 429s cannot touch other cases), run against one {@link Session}.
 */
public final class BlackBoxSuite {

  /** Where the build puts a copy of threat-model/threats.yaml inside the jar. */
  static final String REGISTER_RESOURCE = "/dev/gatehouse/gate/register/threats.yaml";

  private BlackBoxSuite() {}

  public static List<Case> cases() {
    List<Case> all = new ArrayList<>();
    all.addAll(JwtCases.all());
    all.addAll(RequestCases.all());
    all.addAll(AdminPlaneCases.all());
    all.addAll(LeakCases.all());
    all.addAll(AuditCases.all());
    all.addAll(LimitCases.all());
    return List.copyOf(all);
  }

  /** Runs one case; a case never throws, whatever the target does. */
  public static CaseResult run(Case c, Session session) {
    long start = System.nanoTime();
    Outcome outcome;
    String message;
    try {
      c.body().run(session);
      outcome = Outcome.PASSED;
      message = "";
    } catch (CaseSkipped e) {
      outcome = Outcome.SKIPPED;
      message = e.getMessage();
    } catch (CaseFailed e) {
      outcome = Outcome.FAILED;
      message = e.getMessage();
    } catch (Exception e) {
      outcome = Outcome.FAILED;
      message = c.id() + ": could not complete: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    return new CaseResult(c, outcome, message, (System.nanoTime() - start) / 1e9);
  }

  public static List<CaseResult> runAll(Session session) {
    List<CaseResult> results = new ArrayList<>();
    for (Case c : cases()) {
      results.add(run(c, session));
    }
    return results;
  }

  /** The threats of the register the jar was built with, by id. */
  public static Map<String, Threat> register() throws IOException {
    try (InputStream in = BlackBoxSuite.class.getResourceAsStream(REGISTER_RESOURCE)) {
      if (in == null) {
        throw new IOException("the threat register is not packaged with the suite");
      }
      return Register.readThreats(new String(in.readAllBytes(), StandardCharsets.UTF_8), new ArrayList<>());
    }
  }

  /** Turns results into a report: one check per case, one SARIF finding per threat of each failed case. */
  public static GateReport report(List<CaseResult> results, Map<String, Threat> threats, List<String> summary) {
    List<ReportCheck> checks = new ArrayList<>();
    List<ReportFinding> findings = new ArrayList<>();
    Map<String, ReportRule> rules = new LinkedHashMap<>();
    for (CaseResult r : results) {
      Case c = r.testCase();
      checks.add(new ReportCheck("blackbox", c.id(), c.title(), r.outcome(),
          r.message().isEmpty() ? List.of() : List.of(r.message()), c.threats(), r.seconds()));
      for (String id : c.threats()) {
        Threat t = threats.get(id);
        rules.putIfAbsent(id, new ReportRule(id, t == null ? id : t.title(), t == null ? Severity.HIGH : t.severity()));
        if (r.outcome() == Outcome.FAILED) {
          // Located at the threat's entry in the register, so code-scanning uploads have a place to show it.
          findings.add(new ReportFinding(id, id + " weakened: " + r.message(), Register.THREATS,
              t == null ? 1 : t.line()));
        }
      }
    }
    boolean passed = results.stream().noneMatch(r -> r.outcome() == Outcome.FAILED);
    return new GateReport("blackbox", "Gatehouse black-box security suite", passed, summary, checks, findings,
        new ArrayList<>(rules.values()));
  }
}
