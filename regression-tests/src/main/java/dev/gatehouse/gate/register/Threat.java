package dev.gatehouse.gate.register;

import java.time.LocalDate;
import java.util.List;

/**
 * One entry of threat-model/threats.yaml. Fields the schema makes optional are null or empty;
 * the gate, not this record, decides what is missing.
 *
 * @param line 1-based line of the entry in the register file, for report locations
 */
public record Threat(String id, String title, Severity severity, String status, String owner, LocalDate expires,
    String rationale, String planned, List<Mitigation> mitigations, List<String> checklist, int line) {

  public static final String MITIGATED = "mitigated";
  public static final String ACCEPTED = "accepted";
  public static final String OPEN = "open";

  public Threat {
    mitigations = List.copyOf(mitigations);
    checklist = List.copyOf(checklist);
  }

  /** A mitigation and the tests that prove it, as written (syntax is checked by the gate). */
  public record Mitigation(String text, List<String> tests) {
    public Mitigation {
      tests = List.copyOf(tests);
    }
  }
}
