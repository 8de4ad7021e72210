package dev.gatehouse.gate.results;

/** What became of a test, or of every test a test id names. */
public enum Outcome {
  PASSED, FAILED, SKIPPED, MISSING;

  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
