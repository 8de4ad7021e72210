package dev.gatehouse.gateway.token;

/**
 * A mint request that breaks a rule. {@link #reason()} is a stable key safe to show the caller;
 * the message never contains request values.
 */
public final class MintRefusedException extends RuntimeException {

  /** Why a request was refused. */
  public enum Reason {
    INVALID_SUBJECT, UNKNOWN_SCOPE, NO_SCOPES, TTL_TOO_LONG, WORKSPACE_NOT_FOUND, WORKSPACE_LOCKED;

    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Reason reason;

  public MintRefusedException(Reason reason) {
    super("mint refused: " + reason.key(), null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
