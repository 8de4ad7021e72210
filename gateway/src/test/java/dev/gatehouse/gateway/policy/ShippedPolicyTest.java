package dev.gatehouse.gateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonPointer;
import dev.gatehouse.gateway.ownership.ResourceKind;
import dev.gatehouse.gateway.workspace.Scopes;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The built-in elizaOS 1.7 policy ({@code policies/elizaos-1.7.yaml}) against the runtime's route table. */
class ShippedPolicyTest {

  static final RoutePolicy POLICY = new PolicyLoader().loadDefault();
  static final String ID = "6a14cc24-1ee5-01e5-99bc-8222bb191aa7";

  static Route route(String method, String path) {
    RouteMatch match = POLICY.match(method, path).orElseThrow(() -> new AssertionError("no route for " + method + " " + path));
    return POLICY.route(match.routeId()).orElseThrow();
  }

  @Test
  @Tag("T-ISO-002")
  void every_path_parameter_of_every_allow_route_is_bound_to_the_workspace() {
    for (Route route : POLICY.routes()) {
      if (route.action() != RouteAction.ALLOW) {
        continue;
      }
      for (String parameter : route.path().parameters()) {
        assertTrue(route.isolation().path().containsKey(parameter) || route.isolation().within().containsKey(parameter),
            route.id() + ": {" + parameter + "} is not bound");
      }
    }
  }

  @Test
  void every_allow_route_requires_scopes_of_the_closed_vocabulary_except_the_harmless_info_routes() {
    Set<String> open = Set.of("server-hello", "server-health", "system-version", "system-config");
    for (Route route : POLICY.routes()) {
      route.scopes().forEach(scope -> assertTrue(Scopes.known(scope), route.id() + ": " + scope));
      if (route.action() == RouteAction.ALLOW && !open.contains(route.id())) {
        assertFalse(route.scopes().isEmpty(), route.id() + " needs a scope");
      }
    }
  }

  /** Every route the runtime answers with a multi-workspace list (reference §1.2, marked L) filters it or is denied. */
  @ParameterizedTest(name = "{0} {1}")
  @Tag("T-ISO-003")
  @CsvSource(delimiter = '|', textBlock = """
      GET | /api/agents
      GET | /api/agents/ID/logs
      GET | /api/agents/ID/runs
      GET | /api/agents/ID/memories
      GET | /api/agents/ID/rooms/ID/memories
      GET | /api/agents/ID/rooms
      GET | /api/memory/ID/memories
      GET | /api/memory/ID/rooms/ID/memories
      GET | /api/memory/ID/rooms
      GET | /api/messaging/message-servers
      GET | /api/messaging/central-servers
      GET | /api/messaging/message-servers/ID/agents
      GET | /api/messaging/servers/ID/agents
      GET | /api/messaging/agents/ID/message-servers
      GET | /api/messaging/message-servers/ID/channels
      GET | /api/messaging/central-servers/ID/channels
      GET | /api/messaging/channels/ID/messages
      GET | /api/messaging/central-channels/ID/messages
      GET | /api/messaging/channels/ID/participants
      GET | /api/messaging/central-channels/ID/participants
      GET | /api/messaging/channels/ID/agents
      GET | /api/messaging/central-channels/ID/agents
      GET | /api/messaging/sessions
      GET | /api/messaging/sessions/ID/messages
      GET | /api/messaging/jobs
      GET | /api/server/logs
      POST | /api/server/logs
      GET | /api/server/debug/servers
      GET | /api/agents/worlds
      """)
  void every_list_route_filters_to_the_workspace_or_is_denied(String method, String path) {
    Route route = route(method, path.replace("ID", ID));
    assertTrue(route.action() == RouteAction.DENY || !route.isolation().response().lists().isEmpty(),
        route.id() + " returns an unfiltered list");
  }

  @ParameterizedTest(name = "{0} {1}")
  @Tag("T-ISO-001")
  @CsvSource(delimiter = '|', textBlock = """
      GET    | /api/system/env/local
      POST   | /api/system/env/local
      POST   | /api/server/stop
      GET    | /api/server/logs
      DELETE | /api/server/logs
      GET    | /api/server/debug/servers
      GET    | /api/server/status
      POST   | /api/messaging/message-servers
      POST   | /api/messaging/servers
      GET    | /api/messaging/sessions/health
      GET    | /api/messaging/jobs/health
      POST   | /api/agents/ID/plugins/anything/below
      """)
  void dangerous_or_cross_workspace_runtime_endpoints_are_denied(String method, String path) {
    Optional<RouteMatch> match = POLICY.match(method, path.replace("ID", ID));
    AccessDecision decision = POLICY.authorize(match, Optional.of(Scopes.ALL));
    assertInstanceOf(AccessDecision.Refused.class, decision, method + " " + path);
    assertEquals("route_denied", ((AccessDecision.Refused) decision).reason());
  }

  @Test
  @Tag("T-ISO-008")
  void agent_creation_refuses_character_path_and_deploys_characters_itself() {
    Isolation.Body body = route("POST", "/api/agents").isolation().body().orElseThrow();
    assertTrue(body.refuse().contains(JsonPointer.compile("/characterPath")));
    assertEquals(List.of(JsonPointer.compile("/characterJson"), JsonPointer.compile("/agent")), body.character());
  }

  /** Fields the runtime takes as the caller's identity (reference §3.1) are overwritten on every route that accepts them. */
  @ParameterizedTest(name = "{0} {1} {2}")
  @Tag("T-ISO-005")
  @CsvSource(delimiter = '|', textBlock = """
      POST | /api/messaging/channels/ID/messages         | /author_id
      POST | /api/messaging/central-channels/ID/messages | /author_id
      POST | /api/messaging/ingest-external              | /author_id
      POST | /api/messaging/sessions                     | /userId
      POST | /api/messaging/sessions/ID/messages         | /userId
      POST | /api/messaging/jobs                         | /userId
      POST | /api/audio/ID/speech/conversation           | /entityId
      """)
  void identity_fields_are_overwritten(String method, String path, String field) {
    assertTrue(route(method, path.replace("ID", ID)).isolation().body().orElseThrow().identity()
        .contains(JsonPointer.compile(field)));
  }

  @Test
  @Tag("T-ISO-005")
  void agent_authored_messages_must_name_one_of_the_workspaces_agents_and_dm_queries_the_caller() {
    for (String path : List.of("/api/messaging/submit", "/api/messaging/action")) {
      Isolation.Body body = route("POST", path).isolation().body().orElseThrow();
      assertEquals(Set.of(ResourceKind.AGENT), body.bind().get(JsonPointer.compile("/author_id")));
      assertTrue(body.require().contains(JsonPointer.compile("/author_id")));
    }
    assertEquals(Set.of("currentUserId"), route("GET", "/api/messaging/dm-channel").isolation().queryIdentity());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/messaging/jobs", "/api/messaging/sessions"})
  void routes_where_the_runtime_would_pick_an_agent_itself_require_one(String path) {
    assertTrue(route("POST", path).isolation().body().orElseThrow().require().contains(JsonPointer.compile("/agentId")));
  }

  @Test
  void created_resources_are_recorded() {
    assertEquals(ResourceKind.AGENT, route("POST", "/api/agents").isolation().response().record().get(0).kind());
    assertEquals(ResourceKind.CHANNEL, route("POST", "/api/messaging/channels").isolation().response().record().get(0).kind());
    assertEquals(Set.of(ResourceKind.SESSION, ResourceKind.CHANNEL), Set.copyOf(route("POST", "/api/messaging/sessions")
        .isolation().response().record().stream().map(Isolation.RecordRule::kind).toList()));
    assertEquals(ResourceKind.MEDIA, route("POST", "/api/media/agents/" + ID + "/upload-media")
        .isolation().response().record().get(0).kind());
  }
}
