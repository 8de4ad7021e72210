package dev.gatehouse.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code gatehouse config check}: every kind of problem in the configuration, the policy and the
 * rule files is reported with its file and line, exit 2; a valid set exits 0. Nothing is started:
 * the data directory named in the configuration is never created.
 */
class ConfigCommandTest {

  static final String POLICY = """
      version: 1
      routes:
        - id: ping
          methods: [GET]
          path: /ping
          action: public
        - id: pong
          methods: [GET]
          path: /pong
          action: deny
      """;

  static final String RULE = """
      version: 1
      rules:
        - id: X-PING
          title: Pings from one address
          severity: low
          attack: T1595
          runbook: incident-response/GUIDE.md
          falsePositives: none
          entity: [client_address]
          where: { equals: { field: route_id, value: ping } }
          count: { window: 5m, threshold: 3 }
      """;

  @TempDir
  Path dir;
  Path config;
  Path policy;
  Path rules;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void files() throws Exception {
    config = dir.resolve("gatehouse.yaml");
    policy = dir.resolve("policy.yaml");
    rules = Files.createDirectory(dir.resolve("rules"));
    Files.writeString(policy, POLICY);
    Files.writeString(rules.resolve("pings.yaml"), RULE);
    Files.writeString(config, configText(""));
  }

  String configText(String extra) {
    return "dataDir: " + dir.resolve("never-created") + "\n"
        + "policy:\n"
        + "  file: " + policy + "\n"
        + "detector:\n"
        + "  rulesDirectory: " + rules + "\n"
        + extra;
  }

  int check() {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute("config", "check", "--config", config.toString());
  }

  @Test
  void a_valid_set_exits_0_and_says_what_it_checked() {
    assertEquals(0, check(), err.toString());
    assertTrue(out.toString().contains("policy: valid, 2 routes"), out.toString());
    assertTrue(out.toString().matches("(?s).*detection rules: valid, \\d+ rules \\(shipped and .*"), out.toString());
    assertEquals("", err.toString());
    assertTrue(Files.notExists(dir.resolve("never-created")), "nothing is started");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown key         | server:\\n  lisen: 127.0.0.1:9\\n                  | server.lisen: unknown key (from gatehouse.yaml, line 7)
      wrong type          | database:\\n  poolSize: many\\n                    | database.poolSize: must be an integer (from gatehouse.yaml, line 7)
      bad value           | server:\\n  listen: 127.0.0.1:9\\nadmin:\\n  listen: 127.0.0.1:9\\n | admin.listen: must differ from server.listen (from gatehouse.yaml, line 9)
      not YAML            | server: [\\n                                       | gatehouse.yaml: not valid YAML at line 6
      """)
  void a_configuration_problem_names_its_line(String name, String extra, String expected) throws Exception {
    Files.writeString(config, configText(extra.replace("\\n", "\n")));

    assertEquals(2, check());
    assertTrue(err.toString().startsWith("gatehouse config check: " + expected), err.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not YAML        | action: deny         | action: de: ny          | policy.yaml: not valid YAML (or a duplicate key) at line 10
      schema          | action: deny         | action: dney            | policy.yaml, line 10: route pong: action must be one of
      unknown key     | action: deny         | action: deny\\n    bnid: {}  | policy.yaml, line 11: route pong: unknown key 'bnid'
      duplicate id    | id: pong             | id: ping                | policy.yaml, line 7: route ping: id is used by more than one route
      ambiguous       | path: /pong          | path: /ping             | policy.yaml, line 7: route pong: ambiguous with route ping
      bad template    | path: /pong          | path: /pong/{x          | policy.yaml, line 7: route pong: path
      """)
  void a_policy_problem_names_its_line(String name, String from, String to, String expected) throws Exception {
    Files.writeString(policy, POLICY.replace(from, to.replace("\\n", "\n")));

    assertEquals(2, check());
    assertTrue(err.toString().startsWith("gatehouse config check: policy.file: " + expected), err.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not YAML        | threshold: 3 }     | threshold: 3          | pings.yaml: not valid YAML at line 11
      schema          | threshold: 3       | threshold: three      | pings.yaml, line 11: $.rules[0].count.threshold
      unknown field   | value: ping        | value: ping, x: 1     | pings.yaml, line 10:
      unknown event field | field: route_id | field: route        | pings.yaml, line 3: X-PING: unknown field route
      """)
  void a_rule_problem_names_its_line(String name, String from, String to, String expected) throws Exception {
    Files.writeString(rules.resolve("pings.yaml"), RULE.replace(from, to));

    assertEquals(2, check());
    assertTrue(err.toString().startsWith("gatehouse config check: detector.rulesDirectory: " + expected),
        err.toString());
  }

  @Test
  void a_broken_policy_and_a_broken_rule_are_both_reported() throws Exception {
    Files.writeString(policy, POLICY.replace("action: deny", "action: dney"));
    Files.writeString(rules.resolve("pings.yaml"), RULE.replace("threshold: 3", "threshold: three"));

    assertEquals(2, check());
    String[] lines = err.toString().strip().split("\n");
    assertEquals(2, lines.length, err.toString());
    assertTrue(lines[0].contains("policy.yaml, line 10"), lines[0]);
    assertTrue(lines[1].contains("pings.yaml, line 11"), lines[1]);
  }
}
