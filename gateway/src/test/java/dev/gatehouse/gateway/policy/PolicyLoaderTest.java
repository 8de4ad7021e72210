package dev.gatehouse.gateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonPointer;
import dev.gatehouse.gateway.ownership.ResourceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyLoaderTest {

  final PolicyLoader loader = new PolicyLoader();

  PolicyException rejected(String yaml) {
    return assertThrows(PolicyException.class, () -> loader.parse("policy.yaml", yaml));
  }

  /** A policy of one route, with {@code extra} lines inserted into it. */
  static String oneRoute(String extra) {
    return """
        version: 1
        routes:
          - id: agents-get
            methods: [GET]
            path: /api/agents/{agentId}
            action: allow
        """ + extra.indent(4);
  }

  @Test
  void unknown_route_key_is_refused_naming_the_route() {
    PolicyException e = rejected(oneRoute("bnid: {agentId: agent}"));
    assertEquals("policy.yaml, line 7: route agents-get: unknown key 'bnid'", e.getMessage());
  }

  @Test
  void unknown_top_level_key_is_refused() {
    PolicyException e = rejected(oneRoute("").replace("version: 1", "version: 1\ndefaults: {}"));
    assertEquals("policy.yaml, line 2: unknown key 'defaults'", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown action          | action: allow        | action: permit       | policy.yaml, line 6: route agents-get: action must be one of [allow,deny,public]
      unknown method          | methods: [GET]       | methods: [FETCH]     | policy.yaml, line 4: route agents-get: methods must be one of [GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS,*]
      empty methods           | methods: [GET]       | methods: []          | policy.yaml, line 4: route agents-get: methods must not be empty
      missing action          | action: allow        | ''                   | policy.yaml, line 3: route agents-get: missing key 'action'
      bad id                  | id: agents-get       | id: Agents Get       | policy.yaml, line 3: route Agents Get: id has an invalid format
      unsupported version     | version: 1           | version: 2           | policy.yaml, line 1: version must be 1
      wildcard not last       | path: /api/agents/{agentId} | path: /api/**/x | policy.yaml, line 3: route agents-get: path '**' must be the last segment
      dot segment in template | path: /api/agents/{agentId} | path: /api/../x | policy.yaml, line 3: route agents-get: path must not contain dot segments
      trailing slash          | path: /api/agents/{agentId} | path: /api/agents/ | policy.yaml, line 3: route agents-get: path must not end with '/' (a trailing slash is ignored when matching)
      repeated parameter      | path: /api/agents/{agentId} | path: /a/{x}/b/{x} | policy.yaml, line 3: route agents-get: path parameter {x} appears twice
      bad parameter name      | path: /api/agents/{agentId} | path: /a/{agent-id} | policy.yaml, line 3: route agents-get: path parameter '{agent-id}' must be {name} with a name of letters and digits
      percent in literal      | path: /api/agents/{agentId} | path: /a%2fb       | policy.yaml, line 3: route agents-get: path segment 'a%2fb' may hold only letters, digits and - . _ ~ : @ ! $ & ' ( ) + , =
      scopes on a deny route  | action: allow        | 'action: deny\n    scopes: [x]' | policy.yaml, line 3: route agents-get: scopes apply only to action allow
      """)
  void invalid_policies_are_refused_with_one_line(String name, String from, String to, String message) {
    String yaml = oneRoute("").replace(from, to.replace("\\n", "\n"));
    assertEquals(message, rejected(yaml).getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      binding of a parameter the path lacks | 'bind: {roomId: room}'                              | policy.yaml, line 3: route agents-get: bind names {roomId}, which the path does not have
      unknown resource kind                 | 'bind: {agentId: robot}'                            | policy.yaml, line 7: route agents-get: bind is invalid (oneOf)
      within a parameter that is not bound  | 'within: {agentId: other}'                          | policy.yaml, line 3: route agents-get: within {agentId} must name an unbound path parameter inside a bound one
      body rules on a GET route             | 'bind: {agentId: agent}\nbody: {identity: [/author_id]}' | policy.yaml, line 3: route agents-get: body rules on a route whose methods carry no body
      unknown key inside body               | 'body: {identiti: [/x]}'                            | policy.yaml, line 7: route agents-get: unknown key 'identiti'
      pointer that is not a JSON Pointer    | 'response: {remove: [total]}'                       | policy.yaml, line 7: route agents-get: response has an invalid format
      list without a kind                   | 'response: {lists: [{at: /data}]}'                  | policy.yaml, line 7: route agents-get: missing key 'kind'
      """)
  void invalid_isolation_rules_are_refused_naming_the_route(String name, String extra, String message) {
    assertEquals(message, rejected(oneRoute(extra.replace("\\n", "\n"))).getMessage());
  }

  @Test
  void isolation_rules_on_a_deny_route_are_refused() {
    String yaml = oneRoute("bind: {agentId: agent}").replace("action: allow", "action: deny");
    assertEquals("policy.yaml, line 3: route agents-get: bind, within, query, body and response apply only to action allow",
        rejected(yaml).getMessage());
  }

  @Test
  void isolation_rules_are_loaded() {
    RoutePolicy policy = loader.parse("policy.yaml", """
        version: 1
        routes:
          - id: messages
            methods: [POST]
            path: /api/channels/{channelId}/messages/{file}
            action: allow
            bind: {channelId: [channel, room]}
            within: {file: channelId}
            query: {bind: {roomId: room}, identity: [userId]}
            body: {bind: {/agentIds: agent}, identity: [/author_id], fill: [/server_id], refuse: [/path], require: [/content], character: [/character], plugins: [/character/plugins]}
            response: {lists: [{at: /data, kind: message, id: /id, adopt: {parent: /channelId, kind: channel}}], record: [{at: /data/id, kind: message}], remove: [/total]}
        """);
    Isolation isolation = policy.route("messages").orElseThrow().isolation();
    assertEquals(java.util.Set.of(dev.gatehouse.gateway.ownership.ResourceKind.CHANNEL,
        dev.gatehouse.gateway.ownership.ResourceKind.ROOM), isolation.path().get("channelId"));
    assertEquals("channelId", isolation.within().get("file"));
    assertEquals(java.util.Set.of("userId"), isolation.queryIdentity());
    Isolation.Body body = isolation.body().orElseThrow();
    assertEquals("/author_id", body.identity().get(0).toString());
    assertEquals("/content", body.require().get(0).toString());
    assertEquals("/character", body.character().get(0).toString());
    assertEquals("/character/plugins", body.plugins().get(0).toString());
    assertEquals(Optional.of(new Isolation.Adopt(JsonPointer.compile("/channelId"), Set.of(ResourceKind.CHANNEL))),
        isolation.response().lists().get(0).adopt());
    assertEquals("/total", isolation.response().remove().get(0).toString());
  }

  @Test
  void duplicate_route_ids_are_refused() {
    PolicyException e = rejected("""
        version: 1
        routes:
          - id: agents-get
            methods: [GET]
            path: /api/agents/{agentId}
            action: allow
          - id: agents-get
            methods: [POST]
            path: /api/agents
            action: allow
        """);
    assertEquals("policy.yaml, line 7: route agents-get: id is used by more than one route", e.getMessage());
  }

  @Test
  void templates_that_tie_for_a_method_are_refused_as_ambiguous() {
    PolicyException e = rejected("""
        version: 1
        routes:
          - id: by-agent
            methods: [GET]
            path: /api/agents/{agentId}
            action: allow
          - id: by-name
            methods: [GET, POST]
            path: /API/Agents/{name}
            action: allow
        """);
    assertEquals("policy.yaml, line 7: route by-name: ambiguous with route by-agent (both match GET /api/agents/{})",
        e.getMessage());
  }

  @Test
  void star_methods_overlap_every_method() {
    PolicyException e = rejected("""
        version: 1
        routes:
          - id: deny-all
            methods: ["*"]
            path: /api/**
            action: deny
          - id: allow-options
            methods: [OPTIONS]
            path: /api/**
            action: allow
        """);
    assertEquals("policy.yaml, line 7: route allow-options: ambiguous with route deny-all (both match OPTIONS /api/**)",
        e.getMessage());
  }

  @Test
  void same_template_with_disjoint_methods_is_not_ambiguous() {
    RoutePolicy policy = loader.parse("policy.yaml", """
        version: 1
        routes:
          - id: read
            methods: [GET]
            path: /api/agents/{agentId}
            action: allow
          - id: write
            methods: [PATCH]
            path: /api/agents/{id}
            action: allow
        """);
    assertEquals("write", policy.match("PATCH", "/api/agents/a").orElseThrow().routeId());
  }

  @Test
  void a_websocket_route_cannot_carry_response_rules_and_no_route_is_one_unless_it_says_so() {
    PolicyException e = rejected(oneRoute("websocket: true\nresponse:\n  remove: [/total]"));
    assertEquals("policy.yaml, line 3: route agents-get: a websocket route cannot have body or response rules"
        + " (a WebSocket stream is not inspected)", e.getMessage());
    assertTrue(loader.parse("policy.yaml", oneRoute("websocket: true")).route("agents-get").orElseThrow().websocket());
    assertTrue(new PolicyLoader().loadDefault().routes().stream().noneMatch(Route::websocket),
        "the shipped policy proxies no WebSocket: /socket.io/ is terminated by the gateway");
  }

  @Test
  void duplicate_yaml_keys_are_refused_not_last_wins() {
    PolicyException e = rejected(oneRoute("action: public"));
    assertEquals("policy.yaml: not valid YAML (or a duplicate key) at line 7, column 11", e.getMessage());
  }

  @Test
  void a_missing_file_is_named() {
    PolicyException e = assertThrows(PolicyException.class, () -> loader.load(Path.of("no-such-policy.yaml")));
    assertEquals("no-such-policy.yaml: file not found", e.getMessage());
  }

  @Test
  void a_file_is_loaded_and_named_in_errors(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("runtime-policy.yaml");
    Files.writeString(file, oneRoute("extra: 1"));
    PolicyException e = assertThrows(PolicyException.class, () -> loader.load(file));
    assertEquals("runtime-policy.yaml, line 7: route agents-get: unknown key 'extra'", e.getMessage());
    Files.writeString(file, oneRoute(""));
    assertEquals("agents-get", loader.load(file).routes().get(0).id());
  }
}
