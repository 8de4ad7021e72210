package dev.gatehouse.gate.blackbox;

/** A black-box case found the target weakened; the message says how, never with a credential in it. */
final class CaseFailed extends Exception {

  CaseFailed(String message) {
    super(message, null, false, false);
  }
}
