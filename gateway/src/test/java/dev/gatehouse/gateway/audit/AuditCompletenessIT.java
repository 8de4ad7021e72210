package dev.gatehouse.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Completeness through the real gateway: a mixed run of allowed requests and every kind of
 * refusal, those the HTTP parser makes included, yields exactly one schema-valid audit event per
 * request, with the decision, reason and status the client saw.
 */
class AuditCompletenessIT {

  @TempDir
  static Path dataDir;
  static AuditNode node;
  static String reader;
  static String writer;

  /** What one request should have left in the trail. */
  record Expected(String decision, String reason, int status) {}

  @BeforeAll
  static void start() throws Exception {
    node = new AuditNode(dataDir);
    String workspace = node.admin.createWorkspace("completeness");
    reader = node.admin.mint(workspace, "reader", List.of("agents:read"));
    writer = node.admin.mint(workspace, "writer", List.of("messages:write"));
    // The three admin calls above are audited asynchronously; the counts below start once they are stored.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (node.count("SELECT count(*) FROM audit_events WHERE kind = 'admin'") < 3) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the setup's admin events were not stored");
      }
      Thread.sleep(20);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void every_request_of_a_mixed_run_leaves_exactly_one_schema_valid_event() throws Exception {
    long before = node.count("SELECT count(*) FROM audit_events");
    Map<String, Expected> sent = new LinkedHashMap<>();
    // Allowed.
    expect(sent, node.request("/hello"), "allow", "allowed", 200);
    expect(sent, node.request("/api/agents/a1").header("Authorization", "Bearer " + reader), "allow", "allowed", 200);
    expect(sent, node.request("/echo").header("Authorization", "Bearer " + writer)
        .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}")), "allow", "allowed", 200);
    // Refused by authentication and policy.
    expect(sent, node.request("/api/agents/a1"), "deny", "no_credentials", 401);
    expect(sent, node.request("/api/agents/a1").header("Authorization", "Bearer not.a.jwt"), "deny", null, 401);
    expect(sent, node.request("/api/agents/a1").header("Authorization", "Bearer " + writer), "deny", "missing_scope", 403);
    expect(sent, node.request("/api/unknown").header("Authorization", "Bearer " + reader), "deny", "no_route", 404);
    expect(sent, node.request("/api/system/env/local").header("Authorization", "Bearer " + reader),
        "deny", "route_denied", 403);
    // Refused by the canonicalizer.
    expect(sent, node.request("/api/agents/a%2Fb").header("Authorization", "Bearer " + reader),
        "deny", "encoded_separator", 400);
    int port = node.gateway.port();
    raw(sent, port, RawHttp.get("GET", "/api/agents/a1#x"), "deny", "malformed_target", 400);
    raw(sent, port, RawHttp.get("GET", "/api/../hello"), "deny", "dot_segment", 400);
    raw(sent, port, RawHttp.get("TRACE", "/hello"), "deny", "method_not_allowed", 405);
    raw(sent, port, RawHttp.get("get", "/hello"), "deny", "method_not_allowed", 405);
    raw(sent, port, RawHttp.get("GET", "/hello", "X_Forwarded_For: 203.0.113.1"), "deny", "invalid_header", 400);
    raw(sent, port, RawHttp.get("GET", "/hello", "Authorization: Bearer a", "Authorization: Bearer b"),
        "deny", "duplicate_authorization", 400);
    String[] many = new String[101];
    for (int i = 0; i < many.length; i++) {
      many[i] = "X-H" + i + ": v";
    }
    raw(sent, port, RawHttp.get("GET", "/hello", many), "deny", "too_many_headers", 431);
    // Refused by the HTTP parser itself, before the pipeline.
    raw(sent, port, RawHttp.get("GET", "/hello", "X-Big: " + "b".repeat(9_000)), "deny", "headers_too_large", 431);
    raw(sent, port, RawHttp.get("GET", "/hello?q=" + "q".repeat(5_000)), "deny", "request_line_too_long", 414);
    // Rate limited: failed authentications from one client address, the 11th is refused.
    for (int i = 0; i < 10; i++) {
      expect(sent, node.request("/api/agents/a1").header("Authorization", "Bearer not.a.jwt")
          .header("X-Forwarded-For", "198.51.100.7"), "deny", null, 401);
    }
    expect(sent, node.request("/api/agents/a1").header("Authorization", "Bearer not.a.jwt")
        .header("X-Forwarded-For", "198.51.100.7"), "deny", "failed_authentication_limited", 429);

    List<String> stored = node.awaitStored(sent.keySet(), Duration.ofSeconds(30));

    assertEquals(sent.size(), stored.size(), "one event per request");
    assertEquals(sent.keySet(), new HashSet<>(stored), "every request, and nothing else, is in the trail");
    assertEquals(before + sent.size(), node.count("SELECT count(*) FROM audit_events"), "no event without a request");
    List<JsonObject> events = node.searchAll("limit=7", node.admin.bootstrapToken());
    assertEquals(before + sent.size(), events.size(), "the admin API pages through every event once");
    Map<String, JsonObject> byRequest = new HashMap<>();
    for (JsonObject event : events) {
      assertEquals(Set.of(), AuditEventSchema.errors(event.encode()), "schema errors");
      byRequest.put(event.getString("request_id"), event);
    }
    for (Map.Entry<String, Expected> entry : sent.entrySet()) {
      JsonObject event = byRequest.get(entry.getKey());
      assertTrue(event != null, "the admin API returned the event of every request");
      Expected expected = entry.getValue();
      assertEquals(expected.decision(), event.getString("decision"), event.encode());
      assertEquals(expected.status(), event.getInteger("status"), event.encode());
      if (expected.reason() != null) {
        assertEquals(expected.reason(), event.getString("reason_key"), event.encode());
      }
    }
  }

  @Test
  void a_method_the_event_schema_cannot_hold_is_left_out_but_the_request_is_recorded() throws Exception {
    RawHttp.Answer answer = RawHttp.send(node.gateway.port(), RawHttp.get("get", "/hello"));

    List<String> stored = node.awaitStored(List.of(answer.requestId()), Duration.ofSeconds(30));

    assertEquals(List.of(answer.requestId()), stored);
    JsonObject event = node.searchAll("limit=1000", node.admin.bootstrapToken()).stream()
        .filter(e -> answer.requestId().equals(e.getString("request_id"))).findFirst().orElseThrow();
    assertNull(event.getValue("method"));
    assertEquals("method_not_allowed", event.getString("reason_key"));
  }

  private static void expect(Map<String, Expected> sent, HttpRequest.Builder request, String decision, String reason,
      int status) throws Exception {
    HttpResponse<String> response = node.send(request);
    assertEquals(status, response.statusCode(), "status of a " + reason + " request");
    sent.put(response.headers().firstValue("X-Request-Id").orElseThrow(), new Expected(decision, reason, status));
  }

  private static void raw(Map<String, Expected> sent, int port, String head, String decision, String reason,
      int status) throws Exception {
    RawHttp.Answer answer = RawHttp.send(port, head);
    assertEquals(status, answer.status(), "status of a " + reason + " request");
    assertTrue(answer.requestId() != null, "the answer to a " + reason + " request carries a request id");
    sent.put(answer.requestId(), new Expected(decision, reason, status));
  }
}
