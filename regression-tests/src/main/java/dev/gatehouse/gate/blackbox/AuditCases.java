package dev.gatehouse.gate.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Audit completeness through the admin audit API: every request of a mixed run (allowed,
 * refused by authentication, without a credential, refused by request hygiene) leaves exactly one
 * event, found by the request id the target returned, with the status the client saw.
 */
final class AuditCases {

  /** Largest page the audit API serves. */
  static final int PAGE = 1_000;
  private static final long WAIT_NANOS = 15_000_000_000L;

  private AuditCases() {}

  static List<Case> all() {
    return List.of(new Case("BB-AUDIT", "one audit event per request, allowed or refused", List.of("T-AUD-001"),
        AuditCases::completeness));
  }

  private static void completeness(Session s) throws Exception {
    Instant from = Instant.now().minusSeconds(2);
    Map<String, Integer> sent = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    String base = s.options.probePath();
    String[][] requests = {
        {base, "Bearer " + s.token}, {base, "Bearer " + s.token},
        {base, "Bearer not-a-token-" + UUID.randomUUID()}, {base, "Bearer a.b.c"},
        {base, null}, {base + "/%2e%2e/x", "Bearer " + s.token}};
    for (String[] r : requests) {
      Map<String, String> headers = new HashMap<>();
      headers.put(Session.MARKER, "audit-" + sent.size());
      if (r[1] != null) {
        headers.put("Authorization", r[1]);
      }
      if (s.options.varyClientAddress()) {
        headers.put("X-Forwarded-For", Session.freshAddress());
      }
      Reply reply = s.target.get(r[0], headers);
      String id = reply.headers().firstValue("X-Request-Id").orElse(null);
      if (id == null) {
        problems.add("a response to " + r[0] + " carried no X-Request-Id");
      } else {
        sent.put(id, reply.status());
      }
    }
    Map<String, List<JsonNode>> found = new HashMap<>();
    long deadline = System.nanoTime() + WAIT_NANOS;
    do {
      found.clear();
      for (JsonNode e : eventsSince(s, from, 20 * PAGE)) {
        String id = e.path("request_id").asText();
        if (sent.containsKey(id)) {
          found.computeIfAbsent(id, k -> new ArrayList<>()).add(e);
        }
      }
      if (found.size() == sent.size()) {
        break;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < deadline);
    for (Map.Entry<String, Integer> r : sent.entrySet()) {
      List<JsonNode> events = found.getOrDefault(r.getKey(), List.of());
      if (events.size() != 1) {
        problems.add("request " + r.getKey() + " (status " + r.getValue() + ") has " + events.size()
            + " audit events, expected exactly 1");
      } else if (events.get(0).path("status").asInt() != r.getValue()) {
        problems.add("request " + r.getKey() + ": audit status " + events.get(0).path("status").asInt()
            + " but the client saw " + r.getValue());
      }
    }
    Session.fail("BB-AUDIT", problems);
  }

  /** Audit events from {@code from} on, following cursors, at most {@code max}. */
  static List<JsonNode> eventsSince(Session s, Instant from, int max) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    String cursor = null;
    do {
      String query = "/admin/v1/audit?limit=" + PAGE + "&from=" + URLEncoder.encode(from.toString(),
          StandardCharsets.UTF_8) + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      JsonNode page = s.target.adminGet(query);
      page.path("events").forEach(out::add);
      JsonNode next = page.path("nextCursor");
      cursor = next.isTextual() && !next.asText().isEmpty() ? next.asText() : null;
    } while (cursor != null && out.size() < max);
    return out;
  }
}
