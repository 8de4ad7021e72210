package dev.gatehouse.auditdetector.rules;

import java.util.Locale;

/** Alert severity on the Elastic scale (low 21, medium 47, high 73, critical 99). */
public enum Severity {
  /** Worth a look during business hours. */
  LOW,
  /** Triage the same day. */
  MEDIUM,
  /** Triage now. */
  HIGH,
  /** Page: a control has failed or an attack has succeeded. */
  CRITICAL;

  /** The value used in rule files, e.g. {@code high}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a rule-file value.
   *
   * @throws IllegalArgumentException if it is not one of {@code low, medium, high, critical}
   */
  public static Severity fromWireName(String value) {
    for (Severity severity : values()) {
      if (severity.wireName().equals(value)) {
        return severity;
      }
    }
    throw new IllegalArgumentException("unknown severity");
  }
}
