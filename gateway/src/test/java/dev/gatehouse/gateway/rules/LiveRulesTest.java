package dev.gatehouse.gateway.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.rules.Aggregation;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.auditdetector.rules.RuleLoader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rule set a node runs: the catalogue less disabled rules, with threshold overrides applied. */
class LiveRulesTest {

  static final List<RuleDefinition> SHIPPED = new RuleLoader().loadShipped();

  static RuleSetting setting(String id, boolean enabled, Long threshold) {
    return new RuleSetting(id, enabled, threshold, "tester", Instant.EPOCH);
  }

  static Optional<RuleDefinition> find(List<RuleDefinition> rules, String id) {
    return rules.stream().filter(rule -> rule.id().equals(id)).findFirst();
  }

  @Test
  void withoutSettingsTheCatalogueRunsAsLoaded() {
    assertEquals(SHIPPED, LiveRules.effective(SHIPPED, Map.of()));
  }

  @Test
  void aDisabledRuleIsLeftOutAndOnlyIt() {
    List<RuleDefinition> running = LiveRules.effective(SHIPPED, Map.of("D01", setting("D01", false, 5L)));

    assertFalse(find(running, "D01").isPresent());
    assertEquals(SHIPPED.size() - 1, running.size());
  }

  @Test
  void anOverrideReplacesTheThresholdAndKeepsEverythingElse() {
    RuleDefinition own = find(SHIPPED, "D01").orElseThrow();
    RuleDefinition overridden = find(LiveRules.effective(SHIPPED, Map.of("D01", setting("D01", true, 5L))), "D01")
        .orElseThrow();

    assertEquals(Optional.of(5L), RuleSetting.thresholdOf(overridden));
    assertEquals(((Aggregation.Count) own.aggregation()).window(), ((Aggregation.Count) overridden.aggregation()).window());
    assertEquals(own.where(), overridden.where());
    assertEquals(own.responses(), overridden.responses());
  }

  @Test
  void anOverrideOfARuleWithoutAThresholdChangesNothing() {
    RuleDefinition without = SHIPPED.stream().filter(rule -> RuleSetting.thresholdOf(rule).isEmpty())
        .findFirst().orElseThrow();
    List<RuleDefinition> running =
        LiveRules.effective(SHIPPED, Map.of(without.id(), setting(without.id(), true, 3L)));

    assertSame(without, find(running, without.id()).orElseThrow());
    assertThrows(IllegalArgumentException.class, () -> RuleSetting.withThreshold(without, 3));
  }

  @Test
  void aSettingRefusesANonPositiveThreshold() {
    assertThrows(IllegalArgumentException.class, () -> setting("D01", true, 0L));
    assertTrue(setting("D01", true, null).enabled());
  }
}
