package dev.gatehouse.gateway.workspace;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Roles are names for scope sets, expanded when a token is minted; a token carries scopes, never
 * a role. No role includes {@link Scopes#GATEHOUSE_ADMIN}: admin-plane access is always asked for
 * explicitly.
 */
public final class Roles {

  private static final Set<String> VIEWER = Set.of(
      "agents:read", "messages:read", "memories:read", "media:read");

  private static final Map<String, Set<String>> ROLES = Map.of(
      "owner", Set.of("agents:read", "agents:write", "messages:read", "messages:write",
          "memories:read", "memories:write", "media:read", "media:write", "secrets:write",
          "audit:read", "alerts:read", "alerts:write", "workspace:admin"),
      "operator", Set.of("agents:read", "agents:write", "messages:read", "messages:write",
          "memories:read", "memories:write", "media:read", "media:write", "secrets:write"),
      "member", Set.of("agents:read", "messages:read", "messages:write", "memories:read",
          "media:read", "media:write"),
      "viewer", VIEWER,
      "runtime", Set.of("agents:read", "messages:read", "messages:write", "memories:read",
          "memories:write", "media:read", "media:write"),
      "security-analyst", Set.of("audit:read", "alerts:read", "alerts:write"));

  private Roles() {}

  /** The scopes of a role, or empty for an unknown role name. */
  public static Optional<Set<String>> scopes(String role) {
    return Optional.ofNullable(ROLES.get(role));
  }

  public static Set<String> names() {
    return ROLES.keySet();
  }
}
