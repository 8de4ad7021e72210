package dev.gatehouse.gateway.workspace;

import java.util.Set;

/**
 * The scope vocabulary. A token may carry only these scopes; anything else is refused at minting.
 * {@link #GATEHOUSE_ADMIN} is the admin-plane scope: it is honoured only on tokens Gatehouse
 * itself issued, never on tokens of external issuers.
 */
public final class Scopes {

  /** Grants the admin plane ({@code /admin/v1}). */
  public static final String GATEHOUSE_ADMIN = "gatehouse:admin";

  public static final Set<String> ALL = Set.of(
      "agents:read", "agents:write",
      "messages:read", "messages:write",
      "memories:read", "memories:write",
      "media:read", "media:write",
      "secrets:write",
      "audit:read",
      "alerts:read", "alerts:write",
      "metrics:read",
      "workspace:admin",
      GATEHOUSE_ADMIN);

  private Scopes() {}

  public static boolean known(String scope) {
    return ALL.contains(scope);
  }
}
