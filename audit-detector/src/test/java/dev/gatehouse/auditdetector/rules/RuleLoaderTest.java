package dev.gatehouse.auditdetector.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleLoaderTest {

  private static final String RULE = """
      version: 1
      rules:
        - id: X01
          title: test rule
          severity: low
          attack: T1110
          runbook: incident-response/runbooks/x.md#x01
          falsePositives: none
          entity: [client_address]
          where: { equals: { field: decision, value: deny } }
          count: { window: 2m, threshold: 3 }
      """;

  private final RuleLoader loader = new RuleLoader();

  @Test
  void parsesAValidRuleFile() {
    RuleDefinition rule = loader.parse("x.yaml", RULE).get(0);
    assertEquals("X01", rule.id());
    assertEquals(Severity.LOW, rule.severity());
    assertEquals(new Aggregation.Count(Duration.ofMinutes(2), 3), rule.aggregation());
  }

  @Test
  void readsDurationsInTheProductsOneGrammar() {
    RuleDefinition iso = loader.parse("x.yaml", RULE.replace("window: 2m", "window: PT90S")).get(0);
    assertEquals(new Aggregation.Count(Duration.ofSeconds(90), 3), iso.aggregation());
    RuleDefinition millis = loader.parse("x.yaml", RULE.replace("window: 2m", "window: 1500ms")).get(0);
    assertEquals(new Aggregation.Count(Duration.ofMillis(1500), 3), millis.aggregation());

    RuleFormatException bad = assertThrows(RuleFormatException.class,
        () -> loader.parse("x.yaml", RULE.replace("window: 2m", "window: 2 weeks")));
    assertTrue(bad.getMessage().contains("X01: window must be a duration: a whole number and a unit (ms, s, m, h, d)"),
        bad.getMessage());
  }

  @Test
  void parsesResponsesWithTheirModeAndBlockDuration() {
    RuleDefinition rule = loader.parse("x.yaml", RULE + """
            responses:
              - { action: block_address, mode: suggested, duration: 1h }
              - { action: webhook, mode: automatic }
        """).get(0);
    assertEquals(List.of(new RuleResponse(RuleResponse.Action.BLOCK_ADDRESS, false, Duration.ofHours(1)),
        new RuleResponse(RuleResponse.Action.WEBHOOK, true, null)), rule.responses());
  }

  @Test
  void rejectsABlockWithoutDurationAndADurationOnAnotherResponse() {
    assertThrows(RuleFormatException.class, () -> loader.parse("x.yaml", RULE
        + "    responses:\n      - { action: block_address, mode: automatic }\n"));
    assertThrows(RuleFormatException.class, () -> loader.parse("x.yaml", RULE
        + "    responses:\n      - { action: revoke_token, mode: automatic, duration: 1h }\n"));
    assertThrows(RuleFormatException.class, () -> loader.parse("x.yaml", RULE
        + "    responses:\n      - { action: delete_everything, mode: automatic }\n"));
  }

  @Test
  void shipsAutomaticTokenRevocationForOneTokenFromManyNetworks() {
    RuleDefinition d05 = loader.loadShipped().stream().filter(r -> r.id().equals("D05")).findFirst().orElseThrow();
    assertTrue(d05.responses().contains(new RuleResponse(RuleResponse.Action.REVOKE_TOKEN, true, null)));
  }

  @Test
  void rejectsUnknownKeys() {
    RuleFormatException e = assertThrows(RuleFormatException.class,
        () -> loader.parse("x.yaml", RULE.replace("severity: low", "severity: low\n    owner: me")));
    int line = (int) RULE.substring(0, RULE.indexOf("severity: low")).lines().count() + 1;
    assertTrue(e.getMessage().startsWith("x.yaml, line " + line + ": "), e.getMessage());
  }

  @Test
  void rejectsARuleWithTwoAggregations() {
    assertThrows(RuleFormatException.class, () -> loader.parse("x.yaml",
        RULE + "    sum: { field: bytes_out, window: 1m, threshold: 5 }\n"));
  }

  @Test
  void rejectsAFileWithoutVersionOne() {
    assertThrows(RuleFormatException.class, () -> loader.parse("x.yaml", RULE.replace("version: 1", "version: 2")));
  }

  @Test
  void rejectsAnUnknownEventField() {
    RuleFormatException e = assertThrows(RuleFormatException.class,
        () -> loader.parse("x.yaml", RULE.replace("field: decision", "field: password")));
    assertTrue(e.getMessage().contains("unknown field password"), e.getMessage());
  }

  @Test
  void rejectsReturningModeWithoutMemory() {
    assertThrows(RuleFormatException.class, () -> loader.parse("x.yaml", RULE.replace(
        "count: { window: 2m, threshold: 3 }", "firstSeen: { term: subject, history: 1d, returningOnly: true }")));
  }

  @Test
  void loadsOperatorRuleFilesFromADirectoryAndRejectsDuplicateIds(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.yaml"), RULE);
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    assertEquals(List.of("X01"), loader.loadDirectory(dir).stream().map(RuleDefinition::id).toList());
    Files.writeString(dir.resolve("b.yml"), RULE);
    assertThrows(RuleFormatException.class, () -> loader.loadDirectory(dir));
  }

  @Test
  void predicatesCombineAndTreatAbsentFieldsAsNoMatch() {
    RuleDefinition rule = loader.parse("x.yaml", RULE.replace("where: { equals: { field: decision, value: deny } }",
        "where: { any: [ { prefix: { field: user_agent, value: curl } }, { not: { notNull: subject } } ] }")).get(0);
    var anonymous = DetectionEvent.of(dev.gatehouse.auditdetector.event.AuditEvent.builder(
        dev.gatehouse.auditdetector.event.EventKind.HTTP, dev.gatehouse.auditdetector.event.Decision.DENY, "expired")
        .requestId("r1").build());
    assertTrue(rule.where().test(anonymous));
  }
}
