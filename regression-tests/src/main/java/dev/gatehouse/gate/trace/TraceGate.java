package dev.gatehouse.gate.trace;

import dev.gatehouse.gate.register.ChecklistItem;
import dev.gatehouse.gate.register.ChecklistRenderer;
import dev.gatehouse.gate.register.Register;
import dev.gatehouse.gate.register.TestId;
import dev.gatehouse.gate.register.Threat;
import dev.gatehouse.gate.results.Outcome;
import dev.gatehouse.gate.results.TagUse;
import dev.gatehouse.gate.results.TestCaseResult;
import dev.gatehouse.gate.results.TestReports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Joins the threat register and the checklist with a build's test results and test tags and
 * applies threat-model/README.md's traceability rules. Pure: every input is passed in, so each
 * rule is unit-tested on small fixture registers.
 *
 * <p>A test id counts as passing only when at least one test it names ran and none of them failed
 * or was skipped. An accepted risk expires at the end of its {@code expires} day.
 */
public final class TraceGate {

  private static final String THREATS = Register.THREATS;
  private static final String CHECKLIST = Register.CHECKLIST;
  private static final Set<String> STATUSES = Set.of(Threat.MITIGATED, Threat.ACCEPTED, Threat.OPEN);

  private final Register register;
  private final TestReports reports;
  private final List<TagUse> tags;
  private final Path root;
  private final LocalDate today;
  private final List<Violation> violations = new ArrayList<>();

  /**
   * @param root  repository root, for attestation evidence files
   * @param today the date accepted risks are checked against
   */
  public TraceGate(Register register, TestReports reports, List<TagUse> tags, Path root, LocalDate today) {
    this.register = register;
    this.reports = reports;
    this.tags = List.copyOf(tags);
    this.root = root;
    this.today = today;
  }

  public Verdict evaluate() {
    violations.clear();
    for (String problem : register.problems()) {
      String subject = problem.contains(":") ? problem.substring(0, problem.indexOf(':')) : problem;
      Threat t = register.threats().get(subject);
      ChecklistItem item = register.checklist().get(subject);
      add(Rule.REGISTER_INVALID, subject, t == null ? null : t.id(), problem, item != null ? CHECKLIST : THREATS,
          t != null ? t.line() : item != null ? item.line() : 1);
    }
    register.threats().values().forEach(this::checkThreat);
    register.checklist().values().forEach(this::checkItem);
    checkTags();
    checkRendering();
    return new Verdict(violations, counts());
  }

  private void checkThreat(Threat t) {
    String status = t.status() == null ? "" : t.status();
    if (!STATUSES.contains(status)) {
      add(Rule.REGISTER_INVALID, t, t.id() + ": status '" + status + "' is not mitigated, accepted or open");
    }
    if (status.equals(Threat.OPEN)) {
      add(Rule.OPEN_THREAT, t, t.id() + " (" + t.severity() + ") is open: " + t.title()
          + (t.planned() == null ? "" : " [planned: " + t.planned() + "]"));
    }
    if (status.equals(Threat.MITIGATED) && t.mitigations().isEmpty()) {
      add(Rule.MITIGATION_WITHOUT_TESTS, t, t.id() + " is mitigated but lists no mitigation");
    }
    if (status.equals(Threat.ACCEPTED)) {
      if (blank(t.owner())) {
        add(Rule.ACCEPTED_RISK_INVALID, t, t.id() + " is an accepted risk without an owner");
      }
      if (blank(t.rationale())) {
        add(Rule.ACCEPTED_RISK_INVALID, t, t.id() + " is an accepted risk without a rationale");
      }
      if (t.expires() == null) {
        add(Rule.ACCEPTED_RISK_INVALID, t, t.id() + " is an accepted risk without an expiry date");
      } else if (t.expires().isBefore(today)) {
        add(Rule.ACCEPTED_RISK_INVALID, t, t.id() + " is an accepted risk that expired on " + t.expires()
            + (blank(t.owner()) ? "" : " (owner: " + t.owner() + ")"));
      }
    }
    for (Threat.Mitigation m : t.mitigations()) {
      if (m.tests().isEmpty() && !status.equals(Threat.OPEN)) {
        add(Rule.MITIGATION_WITHOUT_TESTS, t, t.id() + ": mitigation \"" + shorten(m.text()) + "\" lists no test");
      }
      for (String test : m.tests()) {
        checkCitedTest(t, test);
      }
    }
    for (String item : t.checklist()) {
      if (!register.checklist().containsKey(item)) {
        add(Rule.UNKNOWN_REFERENCE, t, t.id() + " names checklist item " + item + ", which does not exist");
      }
    }
  }

  private void checkCitedTest(Threat t, String test) {
    Optional<TestId> id = TestId.parse(test);
    if (id.isEmpty()) {
      add(Rule.REGISTER_INVALID, t, t.id() + ": '" + test + "' is not a test id");
      return;
    }
    Outcome outcome = reports.outcomeOf(id.get());
    if (outcome != Outcome.PASSED) {
      add(Rule.CITED_TEST_NOT_PASSING, t, t.id() + ": test " + test + " " + describe(outcome));
    }
  }

  private void checkItem(ChecklistItem item) {
    String threats = item.threats().isEmpty() ? "" : " (threats " + String.join(", ", item.threats()) + ")";
    String first = item.threats().isEmpty() ? null : item.threats().get(0);
    int mappings = (item.checks().isEmpty() ? 0 : 1) + (item.attested() ? 1 : 0) + (item.notYet() ? 1 : 0);
    if (mappings != 1) {
      add(Rule.CHECKLIST_UNPROVEN, item, first, item.id() + " needs exactly one of checks, attestation or "
          + "status not-yet" + threats);
    }
    if (item.status() != null && !item.notYet()) {
      add(Rule.REGISTER_INVALID, item, first, item.id() + ": status '" + item.status() + "' is not not-yet");
    }
    if (item.notYet()) {
      add(Rule.CHECKLIST_UNPROVEN, item, first, item.id() + " is not yet met"
          + (item.planned() == null ? "" : " [planned: " + item.planned() + "]") + threats);
    }
    for (String check : item.checks()) {
      Optional<TestId> id = TestId.parse(check);
      if (id.isEmpty()) {
        add(Rule.REGISTER_INVALID, item, first, item.id() + ": '" + check + "' is not a test id");
        continue;
      }
      Outcome outcome = reports.outcomeOf(id.get());
      if (outcome != Outcome.PASSED) {
        add(Rule.CHECKLIST_UNPROVEN, item, first, item.id() + ": check " + check + " " + describe(outcome) + threats);
      }
    }
    if (item.attested()) {
      if (item.evidence().isEmpty()) {
        add(Rule.CHECKLIST_UNPROVEN, item, first, item.id() + ": attestation names no evidence" + threats);
      }
      for (String evidence : item.evidence()) {
        evidenceProblem(evidence).ifPresent(problem ->
            add(Rule.CHECKLIST_UNPROVEN, item, first, item.id() + ": evidence " + evidence + " " + problem + threats));
      }
    }
    for (String threat : item.threats()) {
      if (!register.threats().containsKey(threat)) {
        add(Rule.UNKNOWN_REFERENCE, item, first, item.id() + " names threat " + threat + ", which does not exist");
      }
    }
  }

  /**
   * Evidence is {@code path#section}: the file must exist under the root and contain the section
   * text (a heading or phrase, compared case-insensitively); without {@code #}, the file must exist.
   */
  private Optional<String> evidenceProblem(String evidence) {
    int hash = evidence.indexOf('#');
    String path = hash < 0 ? evidence : evidence.substring(0, hash);
    Path file = root.resolve(path).normalize();
    if (!file.startsWith(root.normalize()) || !Files.isRegularFile(file)) {
      return Optional.of("names a file that does not exist");
    }
    if (hash < 0) {
      return Optional.empty();
    }
    try {
      String section = evidence.substring(hash + 1).toLowerCase(Locale.ROOT);
      return Files.readString(file, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains(section)
          ? Optional.empty() : Optional.of("names a section the file does not contain");
    } catch (IOException e) {
      return Optional.of("names a file that cannot be read");
    }
  }

  private void checkTags() {
    Set<String> failedClasses = new HashSet<>();
    for (TestCaseResult c : reports.cases()) {
      if (c.outcome() == Outcome.FAILED) {
        failedClasses.add(c.className());
      }
    }
    Set<String> reported = new HashSet<>();
    for (TagUse tag : tags) {
      boolean threatTag = tag.tag().startsWith("T-");
      boolean checklistTag = tag.tag().startsWith("ASVS-") || tag.tag().startsWith("OSPS-")
          || tag.tag().matches("API\\d+");
      if (threatTag && !register.threats().containsKey(tag.tag())
          || checklistTag && !register.checklist().containsKey(tag.tag())) {
        violations.add(new Violation(Rule.ORPHAN_TAG, tag.tag(), null, tag.tag() + " tags " + tag.className()
            + " but names no " + (threatTag ? "threat in the register" : "checklist item"), tag.file(), tag.line()));
      }
      if (threatTag && failedClasses.contains(tag.className()) && reported.add(tag.className() + tag.tag())) {
        violations.add(new Violation(Rule.TAGGED_TEST_FAILED, tag.tag(), register.threats().containsKey(tag.tag())
            ? tag.tag() : null, tag.tag() + ": a test of " + tag.className() + " failed", tag.file(), tag.line()));
      }
    }
  }

  private void checkRendering() {
    Path file = root.resolve(ChecklistRenderer.FILE);
    String committed;
    try {
      committed = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      committed = "";
    }
    if (!committed.equals(ChecklistRenderer.render(register.checklist().values()))) {
      add(Rule.CHECKLIST_STALE, ChecklistRenderer.FILE, null, ChecklistRenderer.FILE
          + " differs from the rendering of checklist.yaml; run gatehouse-gate checklist", ChecklistRenderer.FILE, 1);
    }
  }

  private Map<String, Integer> counts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("threats", register.threats().size());
    for (String status : List.of(Threat.MITIGATED, Threat.ACCEPTED, Threat.OPEN)) {
      counts.put("threats " + status, (int) register.threats().values().stream()
          .filter(t -> status.equals(t.status())).count());
    }
    counts.put("checklist items", register.checklist().size());
    counts.put("checklist checked", (int) register.checklist().values().stream()
        .filter(i -> !i.checks().isEmpty()).count());
    counts.put("checklist attested", (int) register.checklist().values().stream()
        .filter(ChecklistItem::attested).count());
    counts.put("checklist not yet", (int) register.checklist().values().stream()
        .filter(ChecklistItem::notYet).count());
    counts.put("test cases reported", reports.cases().size());
    counts.put("threat tags", (int) tags.stream().filter(t -> t.tag().startsWith("T-")).count());
    return counts;
  }

  private void add(Rule rule, Threat t, String message) {
    violations.add(new Violation(rule, t.id(), t.id(), message, THREATS, t.line()));
  }

  private void add(Rule rule, ChecklistItem item, String threat, String message) {
    violations.add(new Violation(rule, item.id(), threat, message, CHECKLIST, item.line()));
  }

  private void add(Rule rule, String subject, String threat, String message, String file, int line) {
    violations.add(new Violation(rule, subject, threat, message, file, line));
  }

  private static String describe(Outcome outcome) {
    return switch (outcome) {
      case MISSING -> "did not run (no test report names it)";
      case SKIPPED -> "was skipped";
      case FAILED -> "failed";
      case PASSED -> "passed";
    };
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String shorten(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
