package dev.gatehouse.gate.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Secret-leak canaries: a unique value sent where credentials travel must never come back in a
 * response, the admin token listing must never show a token again, the audit trail must hold
 * neither the canary nor a token, and the published JWKS must hold no private key material.
 */
final class LeakCases {

  private static final Set<String> PRIVATE_JWK_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "k", "oth");

  private LeakCases() {}

  static List<Case> all() {
    return List.of(
        new Case("BB-LEAK-ECHO", "credentials sent by a client are never echoed", List.of("T-AUTH-012", "T-SEC-012"),
            LeakCases::echo),
        new Case("BB-LEAK-ADMIN", "a minted token is never listed again", List.of("T-ADM-004"), LeakCases::listing),
        new Case("BB-LEAK-AUDIT", "no token, canary or query string in the audit trail", List.of("T-AUD-004"),
            LeakCases::audit),
        new Case("BB-LEAK-JWKS", "the JWKS publishes public parameters only", List.of("T-SEC-009"), LeakCases::jwks));
  }

  private static void echo(Session s) throws Exception {
    Map<String, Map<String, String>> probes = new LinkedHashMap<>();
    probes.put("bearer", Map.of("Authorization", "Bearer " + s.canary));
    probes.put("x-api-key", Map.of("X-API-KEY", s.canary, "Authorization", "Bearer " + s.token));
    probes.put("cookie", Map.of("Cookie", "session=" + s.canary));
    probes.put("basic", Map.of("Authorization", "Basic " + java.util.Base64.getEncoder()
        .encodeToString(("user:" + s.canary).getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> p : probes.entrySet()) {
      Map<String, String> headers = new LinkedHashMap<>(p.getValue());
      headers.put(Session.MARKER, "leak-" + p.getKey());
      if (s.options.varyClientAddress()) {
        headers.put("X-Forwarded-For", Session.freshAddress());
      }
      Reply r = s.target.get(s.options.probePath() + "?access_token=" + s.canary, headers);
      if (r.body().contains(s.canary) || r.headers().map().toString().contains(s.canary)) {
        problems.add(p.getKey() + ": the canary came back in the response");
      }
      if (r.body().contains(s.token)) {
        problems.add(p.getKey() + ": the token came back in the response");
      }
    }
    Session.fail("BB-LEAK-ECHO", problems);
  }

  private static void listing(Session s) throws Exception {
    String listing = s.target.adminGet("/admin/v1/tokens?workspace=" + s.workspace).toString();
    String one = s.target.adminGet("/admin/v1/tokens/" + s.tokenJti).toString();
    String signature = s.token.substring(s.token.lastIndexOf('.') + 1);
    List<String> problems = new ArrayList<>();
    if (!listing.contains(s.tokenJti)) {
      problems.add("the token listing does not show the minted token's jti, so the check proves nothing");
    }
    for (String text : List.of(listing, one)) {
      if (text.contains(s.token) || text.contains(signature)) {
        problems.add("the admin API returned a minted token again");
      }
    }
    Session.fail("BB-LEAK-ADMIN", problems);
  }

  private static void audit(Session s) throws Exception {
    // Make sure the trail has this run's canaries and token uses to look for.
    s.probe("Bearer " + s.canary, "access_token=" + s.canary, "leak-audit-1");
    s.probe("Bearer " + s.token, "access_token=" + s.canary, "leak-audit-2");
    List<JsonNode> events = AuditCases.eventsSince(s, s.startedAt(), 10_000);
    String signature = s.token.substring(s.token.lastIndexOf('.') + 1);
    List<String> problems = new ArrayList<>();
    if (events.isEmpty()) {
      problems.add("the audit API returned no event of this run, so the check proves nothing");
    }
    for (JsonNode e : events) {
      String text = e.toString();
      if (text.contains(s.canary) || text.contains(signature) || text.contains("access_token")) {
        problems.add("audit event " + e.path("event_id").asText() + " holds a canary, a token or a query string");
      }
    }
    Session.fail("BB-LEAK-AUDIT", problems);
  }

  private static void jwks(Session s) throws Exception {
    List<String> problems = new ArrayList<>();
    JsonNode keys = s.jwks.path("keys");
    if (!keys.isArray() || keys.isEmpty()) {
      problems.add("the JWKS has no keys, so the check proves nothing");
    }
    for (JsonNode key : keys) {
      key.fieldNames().forEachRemaining(name -> {
        if (PRIVATE_JWK_MEMBERS.contains(name)) {
          problems.add("key " + key.path("kid").asText() + " publishes private member " + name);
        }
      });
    }
    Session.fail("BB-LEAK-JWKS", problems);
  }
}
