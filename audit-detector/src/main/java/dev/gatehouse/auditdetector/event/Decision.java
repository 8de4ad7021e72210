package dev.gatehouse.auditdetector.event;

/**
 * Outcome of one gateway decision. Every decision is audited, whichever way it went.
 */
public enum Decision {
  /** The request or message was let through to the runtime. */
  ALLOW("allow"),
  /** The request or message was refused (unauthenticated, forbidden, malformed, rate-limited, ...). */
  DENY("deny");

  private final String wireName;

  Decision(String wireName) {
    this.wireName = wireName;
  }

  /** The value used in the JSON schema and in the {@code decision} column. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a wire name.
   *
   * @throws IllegalArgumentException if {@code value} is not a wire name of this enum
   */
  public static Decision fromWireName(String value) {
    for (Decision decision : values()) {
      if (decision.wireName.equals(value)) {
        return decision;
      }
    }
    throw new IllegalArgumentException("unknown decision");
  }
}
