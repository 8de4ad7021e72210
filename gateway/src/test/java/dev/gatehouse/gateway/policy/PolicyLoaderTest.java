package dev.gatehouse.gateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
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
    assertEquals("policy.yaml: route agents-get: unknown key 'bnid'", e.getMessage());
  }

  @Test
  void unknown_top_level_key_is_refused() {
    PolicyException e = rejected(oneRoute("").replace("version: 1", "version: 1\ndefaults: {}"));
    assertEquals("policy.yaml: unknown key 'defaults'", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown action          | action: allow        | action: permit       | policy.yaml: route agents-get: action must be one of [allow,deny,public]
      unknown method          | methods: [GET]       | methods: [FETCH]     | policy.yaml: route agents-get: methods must be one of [GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS,*]
      empty methods           | methods: [GET]       | methods: []          | policy.yaml: route agents-get: methods must not be empty
      missing action          | action: allow        | ''                   | policy.yaml: route agents-get: missing key 'action'
      bad id                  | id: agents-get       | id: Agents Get       | policy.yaml: route Agents Get: id has an invalid format
      unsupported version     | version: 1           | version: 2           | policy.yaml: version must be 1
      wildcard not last       | path: /api/agents/{agentId} | path: /api/**/x | policy.yaml: route agents-get: path '**' must be the last segment
      dot segment in template | path: /api/agents/{agentId} | path: /api/../x | policy.yaml: route agents-get: path must not contain dot segments
      trailing slash          | path: /api/agents/{agentId} | path: /api/agents/ | policy.yaml: route agents-get: path must not end with '/' (a trailing slash is ignored when matching)
      repeated parameter      | path: /api/agents/{agentId} | path: /a/{x}/b/{x} | policy.yaml: route agents-get: path parameter {x} appears twice
      bad parameter name      | path: /api/agents/{agentId} | path: /a/{agent-id} | policy.yaml: route agents-get: path parameter '{agent-id}' must be {name} with a name of letters and digits
      percent in literal      | path: /api/agents/{agentId} | path: /a%2fb       | policy.yaml: route agents-get: path segment 'a%2fb' may hold only letters, digits and - . _ ~ : @ ! $ & ' ( ) + , =
      scopes on a deny route  | action: allow        | 'action: deny\n    scopes: [x]' | policy.yaml: route agents-get: scopes apply only to action allow
      """)
  void invalid_policies_are_refused_with_one_line(String name, String from, String to, String message) {
    String yaml = oneRoute("").replace(from, to.replace("\\n", "\n"));
    assertEquals(message, rejected(yaml).getMessage());
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
    assertEquals("policy.yaml: route agents-get: id is used by more than one route", e.getMessage());
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
    assertEquals("policy.yaml: route by-name: ambiguous with route by-agent (both match GET /api/agents/{})",
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
    assertEquals("policy.yaml: route allow-options: ambiguous with route deny-all (both match OPTIONS /api/**)",
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
    assertEquals("runtime-policy.yaml: route agents-get: unknown key 'extra'", e.getMessage());
    Files.writeString(file, oneRoute(""));
    assertEquals("agents-get", loader.load(file).routes().get(0).id());
  }
}
