package dev.gatehouse.auditdetector.alert;

import java.util.Locale;

/** Where an alert is in triage: open → acknowledged → resolved (with a {@link Disposition}). */
public enum AlertStatus {
  OPEN,
  ACKNOWLEDGED,
  RESOLVED;

  /** The stored and API value, e.g. {@code acknowledged}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a stored or API value.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static AlertStatus fromWireName(String value) {
    for (AlertStatus status : values()) {
      if (status.wireName().equals(value)) {
        return status;
      }
    }
    throw new IllegalArgumentException("unknown alert status");
  }
}
