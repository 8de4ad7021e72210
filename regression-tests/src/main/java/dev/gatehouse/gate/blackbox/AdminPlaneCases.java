package dev.gatehouse.gate.blackbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin plane: not served on the main listener (not even with the admin credential), and
 * closed to missing, default and workspace credentials.
 */
final class AdminPlaneCases {

  private AdminPlaneCases() {}

  static List<Case> all() {
    return List.of(
        new Case("BB-ADMIN-MAIN", "admin API not reachable on the main listener", List.of("T-ADM-001"),
            AdminPlaneCases::notOnMain),
        new Case("BB-ADMIN-CREDS", "no default, missing or workspace credential opens the admin plane",
            List.of("T-ADM-002"), AdminPlaneCases::credentials));
  }

  private static void notOnMain(Session s) throws Exception {
    List<String> problems = new ArrayList<>();
    for (String path : List.of("/admin/v1/status", "/admin/v1/workspaces", "/admin/v1/tokens", "/admin/v1/audit")) {
      Reply withoutCredential = s.target.get(path, Map.of(Session.MARKER, "attack-BB-ADMIN-MAIN"));
      Reply withWorkspaceToken = s.target.get(path, Map.of(Session.MARKER, "attack-BB-ADMIN-MAIN",
          "Authorization", "Bearer " + s.token));
      for (Reply r : List.of(withoutCredential, withWorkspaceToken)) {
        if (r.ok() || r.body().contains("\"workspaces\"") || r.body().contains("\"tokens\"")) {
          problems.add(path + " on the main listener answered " + r.status());
        }
      }
    }
    Session.fail("BB-ADMIN-MAIN", problems);
  }

  private static void credentials(Session s) throws Exception {
    Map<String, String> attempts = new LinkedHashMap<>();
    attempts.put("none", null);
    attempts.put("empty bearer", "Bearer ");
    for (String word : List.of("admin", "changeme", "gatehouse", "password", "secret", "kong_admin")) {
      attempts.put("bearer " + word, "Bearer " + word);
    }
    attempts.put("basic admin:admin", "Basic " + Base64.getEncoder().encodeToString(
        "admin:admin".getBytes(StandardCharsets.US_ASCII)));
    attempts.put("workspace token", "Bearer " + s.token);
    List<String> problems = new ArrayList<>();
    for (String path : List.of("/admin/v1/status", "/admin/v1/workspaces", "/admin/v1/keys")) {
      for (Map.Entry<String, String> a : attempts.entrySet()) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (a.getValue() != null) {
          headers.put("Authorization", a.getValue());
        }
        Reply r = s.target.adminGet(path, headers);
        if (r.status() != 401 && r.status() != 403) {
          problems.add(path + " with " + a.getKey() + ": status " + r.status() + ", expected 401 or 403");
        }
      }
    }
    Session.fail("BB-ADMIN-CREDS", problems);
  }
}
