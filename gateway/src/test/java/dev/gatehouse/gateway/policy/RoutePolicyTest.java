package dev.gatehouse.gateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutePolicyTest {

  static final String POLICY = """
      version: 1
      routes:
        - id: health
          methods: [GET]
          path: /health
          action: public
        - id: api-fallback
          methods: ["*"]
          path: /api/**
          scopes: [admin]
          action: allow
        - id: agents-list
          methods: [GET]
          path: /api/agents
          scopes: [agents:read]
          action: allow
        - id: agents-get
          methods: [GET]
          path: /api/agents/{agentId}
          scopes: [agents:read]
          action: allow
        - id: agents-update
          methods: [PATCH, DELETE]
          path: /api/agents/{agentId}
          scopes: [agents:read, agents:write]
          action: allow
        - id: agents-worlds
          methods: ["*"]
          path: /api/agents/worlds
          action: deny
        - id: agent-subtree
          methods: [GET]
          path: /api/agents/{agentId}/**
          scopes: [agents:read]
          action: allow
        - id: agent-memories
          methods: [GET]
          path: /api/agents/{agentId}/memories
          scopes: [memories:read]
          action: allow
        - id: room-memories
          methods: [GET]
          path: /api/agents/{agentId}/rooms/{roomId}/memories
          scopes: [memories:read]
          action: allow
        - id: server-stop
          methods: ["*"]
          path: /api/server/stop
          action: deny
      """;

  final RoutePolicy policy = new PolicyLoader().parse("test.yaml", POLICY);

  String matched(String method, String path) {
    return policy.match(method, path).map(RouteMatch::routeId).orElse("none");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      literal beats parameter                   | GET    | /api/agents/worlds                     | agents-worlds
      parameter beats wildcard                  | GET    | /api/agents/a1                         | agents-get
      longer literal path beats wildcard        | GET    | /api/agents/a1/memories                | agent-memories
      wildcard takes what nothing else matches  | GET    | /api/agents/a1/logs/x                  | agent-subtree
      wildcard matches zero segments            | GET    | /api/agents/a1/                        | agents-get
      two parameters                            | GET    | /api/agents/a1/rooms/r9/memories       | room-memories
      fallback wildcard for other api paths     | POST   | /api/messaging/x                       | api-fallback
      ended template beats wildcard             | GET    | /api/agents                            | agents-list
      trailing slash is ignored                 | GET    | /api/agents/                           | agents-list
      literal match is case-insensitive         | POST   | /API/Server/STOP                       | server-stop
      deny with trailing slash still matches    | POST   | /api/server/stop/                      | server-stop
      GET route also matches HEAD               | HEAD   | /api/agents                            | agents-list
      method picks among same template          | DELETE | /api/agents/a1                         | agents-update
      method mismatch falls to broader route    | POST   | /api/agents/a1                         | api-fallback
      method mismatch with no broader route     | POST   | /health                                | none
      no route                                  | GET    | /other                                 | none
      root is not matched by /api/**            | GET    | /                                      | none
      """)
  void the_most_specific_route_wins(String name, String method, String path, String routeId) {
    assertEquals(routeId, matched(method, path));
  }

  @Test
  void match_reports_template_and_parameters() {
    RouteMatch match = policy.match("GET", "/api/agents/a1/rooms/r%20x/memories").orElseThrow();
    assertEquals(new RouteMatch("room-memories", "/api/agents/{agentId}/rooms/{roomId}/memories",
        Map.of("agentId", "a1", "roomId", "r%20x")), match);
  }

  AccessDecision decide(String method, String path, Set<String> scopes) {
    return policy.authorize(policy.match(method, path), Optional.ofNullable(scopes));
  }

  AccessDecision.Refused refused(String method, String path, Set<String> scopes) {
    return assertInstanceOf(AccessDecision.Refused.class, decide(method, path, scopes));
  }

  @Test
  void public_route_needs_no_credential() {
    AccessDecision.Granted granted = assertInstanceOf(AccessDecision.Granted.class, decide("GET", "/health", null));
    assertEquals("health", granted.match().routeId());
  }

  @Test
  void no_credential_is_401_even_where_no_route_matches() {
    AccessDecision.Refused onRoute = refused("GET", "/api/agents", null);
    assertEquals(401, onRoute.status());
    assertEquals("unauthorized", onRoute.key());
    assertEquals(Optional.of("agents-list"), onRoute.routeId());
    AccessDecision.Refused noRoute = refused("GET", "/nothing", null);
    assertEquals(401, noRoute.status());
    assertEquals("no_credentials", noRoute.reason());
  }

  @Test
  void authenticated_without_route_is_404() {
    AccessDecision.Refused r = refused("GET", "/nothing", Set.of("admin"));
    assertEquals(404, r.status());
    assertEquals("not_found", r.key());
    assertEquals("no_route", r.reason());
  }

  @Test
  void deny_route_is_403_whatever_the_scopes() {
    AccessDecision.Refused r = refused("POST", "/api/server/stop", Set.of("admin", "agents:read"));
    assertEquals(403, r.status());
    assertEquals("forbidden", r.key());
    assertEquals("route_denied", r.reason());
    assertEquals(Optional.of("server-stop"), r.routeId());
  }

  @Test
  void every_scope_of_the_route_is_required() {
    AccessDecision.Refused r = refused("PATCH", "/api/agents/a1", Set.of("agents:write"));
    assertEquals(403, r.status());
    assertEquals("missing_scope", r.reason());
    assertInstanceOf(AccessDecision.Granted.class, decide("PATCH", "/api/agents/a1", Set.of("agents:read", "agents:write")));
  }

  @Test
  void an_allow_route_without_scopes_admits_any_authenticated_caller() {
    RoutePolicy open = new PolicyLoader().parse("t.yaml", """
        version: 1
        routes:
          - id: me
            methods: [GET]
            path: /api/me
            action: allow
        """);
    assertInstanceOf(AccessDecision.Granted.class, open.authorize(open.match("GET", "/api/me"), Optional.of(Set.of())));
  }

  @Test
  void authorization_uses_the_route_id_and_refuses_unknown_ids() {
    RouteMatch forged = new RouteMatch("no-such-route", "/health", Map.of());
    assertThrows(IllegalArgumentException.class, () -> policy.authorize(Optional.of(forged), Optional.of(Set.of())));
  }

  @Test
  void default_policy_loads_and_denies_the_dangerous_runtime_endpoints() {
    RoutePolicy defaults = new PolicyLoader().loadDefault();
    assertEquals(Optional.of("system-env"), defaults.match("POST", "/api/system/env/local").map(RouteMatch::routeId));
    assertEquals(Optional.of("server-stop"), defaults.match("POST", "/api/server/stop").map(RouteMatch::routeId));
    assertEquals(Optional.of("agents-worlds-shadowed"), defaults.match("GET", "/api/agents/worlds").map(RouteMatch::routeId));
    assertEquals(Optional.of("agents-get"), defaults.match("GET", "/api/agents/6a14cc24-1ee5-01e5-99bc-8222bb191aa7").map(RouteMatch::routeId));
    assertInstanceOf(AccessDecision.Granted.class, defaults.authorize(defaults.match("GET", "/health"), Optional.empty()));
    assertTrue(defaults.match("PUT", "/api/agents/x").isEmpty());
    assertTrue(defaults.match("GET", "/api/unknown").isEmpty());
  }
}
