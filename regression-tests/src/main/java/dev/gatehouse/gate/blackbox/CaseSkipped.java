package dev.gatehouse.gate.blackbox;

/** A case could not run against this target (for example, no external issuer can be registered). */
final class CaseSkipped extends Exception {

  CaseSkipped(String message) {
    super(message, null, false, false);
  }
}
