package dev.gatehouse.auditdetector.event;

/**
 * Which plane produced an audit event.
 */
public enum EventKind {
  /** A proxied HTTP request (including the WebSocket upgrade request itself). */
  HTTP("http"),
  /** One WebSocket message inspected by the gateway. */
  WEBSOCKET("websocket"),
  /** A request on the admin listener. */
  ADMIN("admin"),
  /** A model call an agent made through the egress listener. */
  EGRESS("egress");

  private final String wireName;

  EventKind(String wireName) {
    this.wireName = wireName;
  }

  /** The value used in the JSON schema and in the {@code kind} column. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a wire name.
   *
   * @throws IllegalArgumentException if {@code value} is not a wire name of this enum
   */
  public static EventKind fromWireName(String value) {
    for (EventKind kind : values()) {
      if (kind.wireName.equals(value)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown event kind");
  }
}
