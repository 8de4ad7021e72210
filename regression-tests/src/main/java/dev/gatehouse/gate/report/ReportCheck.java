package dev.gatehouse.gate.report;

import dev.gatehouse.gate.results.Outcome;
import java.util.List;

/**
 * One checked thing in a report: a threat, a checklist item or a black-box case. Becomes one
 * JUnit {@code <testcase>} (classname = {@code id}) and one row of the Markdown summary.
 *
 * @param threatIds threats the check bears on
 * @param messages  why it did not pass (empty when it passed)
 */
public record ReportCheck(String group, String id, String name, Outcome outcome, List<String> messages,
    List<String> threatIds, double seconds) {

  public ReportCheck {
    messages = List.copyOf(messages);
    threatIds = List.copyOf(threatIds);
  }
}
