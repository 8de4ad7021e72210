package dev.gatehouse.gate.register;

import java.util.List;

/**
 * One entry of security-checklist/checklist.yaml: mapped to {@code checks} (test ids), to an
 * {@code attestation} with evidence ({@code path#heading or phrase}), or {@code not-yet}.
 *
 * @param level     ASVS or OSPS level as written, or null
 * @param statement the attestation statement, or null without attestation
 * @param status    {@code not-yet} or null
 * @param line      1-based line of the entry in the checklist file
 */
public record ChecklistItem(String id, String level, String text, List<String> checks, String statement,
    List<String> evidence, String status, String planned, List<String> threats, int line) {

  public static final String NOT_YET = "not-yet";

  public ChecklistItem {
    checks = List.copyOf(checks);
    evidence = List.copyOf(evidence);
    threats = List.copyOf(threats);
  }

  public boolean attested() {
    return statement != null;
  }

  public boolean notYet() {
    return NOT_YET.equals(status);
  }
}
