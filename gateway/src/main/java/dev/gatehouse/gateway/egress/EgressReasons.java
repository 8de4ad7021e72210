package dev.gatehouse.gateway.egress;

/** The reason keys of egress audit events: one per outcome of a model call. */
public final class EgressReasons {

  public static final String ALLOWED = "allowed";
  public static final String CREDENTIAL_UNKNOWN = "egress_credential_unknown";
  public static final String CREDENTIAL_REVOKED = "egress_credential_revoked";
  public static final String WORKSPACE_LOCKED = "workspace_locked";
  public static final String BUDGET_EXCEEDED = "budget_exceeded";
  public static final String BUDGET_UNAVAILABLE = "budget_unavailable";
  public static final String PROVIDER_KEY_MISSING = "provider_key_missing";
  public static final String PROVIDER_UNREACHABLE = "provider_unreachable";
  public static final String REQUEST_INVALID = "egress_request_invalid";

  private EgressReasons() {}
}
