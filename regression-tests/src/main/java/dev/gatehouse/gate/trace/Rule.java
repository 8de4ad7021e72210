package dev.gatehouse.gate.trace;

/**
 * The traceability rules of threat-model/README.md, plus the gate's own consistency checks.
 * Each violation names one rule.
 */
public enum Rule {
  /** README rule 1: a threat is open. */
  OPEN_THREAT("open threat"),
  /** README rule 2: a mitigation lists no test. */
  MITIGATION_WITHOUT_TESTS("mitigation without tests"),
  /** README rule 2 (and any threat's cited tests): a cited test is missing, skipped or failed. */
  CITED_TEST_NOT_PASSING("cited test not passing"),
  /** README rule 3: an accepted risk without owner, rationale or a future expiry date. */
  ACCEPTED_RISK_INVALID("accepted risk expired or incomplete"),
  /** README rule 4: a test tag names no threat (or no checklist item). */
  ORPHAN_TAG("orphan tag"),
  /** A test carrying a threat tag failed. */
  TAGGED_TEST_FAILED("failed security test"),
  /** README rule 5: a checklist item has neither passing checks nor existing evidence. */
  CHECKLIST_UNPROVEN("checklist item unproven"),
  /** README rule 6: a threat and a checklist item name each other's unknown ids. */
  UNKNOWN_REFERENCE("unknown reference"),
  /** The register or checklist breaks its schema (bad status, bad test id, duplicate id...). */
  REGISTER_INVALID("register invalid"),
  /** CHECKLIST.md differs from what checklist.yaml renders to. */
  CHECKLIST_STALE("rendered checklist stale");

  private final String title;

  Rule(String title) {
    this.title = title;
  }

  public String title() {
    return title;
  }
}
