package dev.gatehouse.gate.register;

import java.util.Locale;

/**
 * A threat's severity (impact if realised). {@link #securitySeverity} is the CVSS-like number
 * code-scanning tools rank by; {@link #sarifLevel} is the SARIF result level.
 */
public enum Severity {
  CRITICAL(9.5, "error"),
  HIGH(8.0, "error"),
  MEDIUM(5.5, "warning"),
  LOW(3.0, "note");

  private final double securitySeverity;
  private final String sarifLevel;

  Severity(double securitySeverity, String sarifLevel) {
    this.securitySeverity = securitySeverity;
    this.sarifLevel = sarifLevel;
  }

  public double securitySeverity() {
    return securitySeverity;
  }

  public String sarifLevel() {
    return sarifLevel;
  }

  /** Parses {@code critical|high|medium|low}; null for anything else. */
  public static Severity parse(String text) {
    if (text == null) {
      return null;
    }
    try {
      return valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
