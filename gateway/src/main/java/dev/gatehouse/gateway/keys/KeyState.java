package dev.gatehouse.gateway.keys;

/**
 * Life cycle of a signing key: exactly one key is {@code active} (signs and verifies); after a
 * rotation the previous one is {@code verify-only}; a {@code retired} key verifies nothing and is
 * no longer published.
 */
public enum KeyState {
  ACTIVE("active"),
  VERIFY_ONLY("verify-only"),
  RETIRED("retired");

  private final String id;

  KeyState(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  static KeyState fromId(String id) {
    for (KeyState state : values()) {
      if (state.id.equals(id)) {
        return state;
      }
    }
    throw new IllegalStateException("unknown key state in the database");
  }
}
