package dev.gatehouse.gateway.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RolesTest {

  @Test
  void everyRoleIsMadeOfKnownScopesAndNoneGrantsTheAdminPlane() {
    assertEquals(Set.of("owner", "operator", "member", "viewer", "runtime", "security-analyst"), Roles.names());
    for (String role : Roles.names()) {
      Set<String> scopes = Roles.scopes(role).orElseThrow();
      assertTrue(scopes.stream().allMatch(Scopes::known), role);
      assertFalse(scopes.contains(Scopes.GATEHOUSE_ADMIN), role);
    }
    assertTrue(Roles.scopes("root").isEmpty());
  }
}
