package dev.gatehouse.auditdetector.alert;

import java.util.Locale;

/** Why an alert was resolved: a real attack, benign activity that matched, or a wrong detection. */
public enum Disposition {
  TRUE_POSITIVE,
  BENIGN,
  FALSE_POSITIVE;

  /** The stored and API value, e.g. {@code true_positive}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code true_positive} or the command-line form {@code true-positive}.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static Disposition fromWireName(String value) {
    for (Disposition disposition : values()) {
      if (disposition.wireName().equals(value) || disposition.wireName().replace('_', '-').equals(value)) {
        return disposition;
      }
    }
    throw new IllegalArgumentException("unknown disposition");
  }
}
