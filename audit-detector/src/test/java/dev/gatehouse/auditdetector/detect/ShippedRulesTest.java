package dev.gatehouse.auditdetector.detect;

import static dev.gatehouse.auditdetector.detect.Traffic.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.rules.RuleDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** One positive and one negative case per shipped rule, at the rule's documented threshold. */
class ShippedRulesTest {

  private static final String ATTACKER = "203.0.113.9";
  private static final String HOME = "198.51.100.20";

  private static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  private static void assertFires(List<Finding> findings, String entity) {
    assertEquals(1, findings.size(), () -> "expected one finding, got " + findings);
    assertEquals(entity, findings.get(0).entity());
  }

  @Test
  void shipsTwentyThreeDetectionsWithDistinctIds() {
    List<String> ids = Traffic.SHIPPED.stream().map(RuleDefinition::id).toList();
    assertEquals(List.of("D01", "D02", "D03", "D04", "D05", "D07", "D13", "D14", "D15", "D19", "D08", "D09", "D10",
        "D11", "D16", "D17", "D18", "D12", "D20", "D21", "D22", "D23", "D24"), ids);
  }

  @Test
  void d01FiresOnTwentyFailedAuthenticationsFromOneAddressInFiveMinutes() {
    Traffic t = new Traffic();
    for (int i = 0; i < 20; i++) {
      t.failedAuth(ATTACKER, at(s(i * 14)), "malformed_token");
    }
    assertFires(t.findings("D01"), "client_address=" + ATTACKER);
  }

  @Test
  void d01IgnoresNineteenFailuresAndRequestsWithoutCredentials() {
    Traffic t = new Traffic();
    for (int i = 0; i < 19; i++) {
      t.failedAuth(ATTACKER, at(s(i * 14)), "bad_issuer");
      t.failedAuth(ATTACKER, at(s(i * 14 + 1)), "no_credentials");
    }
    assertTrue(t.findings("D01").isEmpty());
  }

  @Test
  void d01CountsTheAttemptsTheLimiterRefused() {
    Traffic t = new Traffic();
    for (int i = 0; i < 10; i++) {
      t.failedAuth(ATTACKER, at(s(i)), "malformed_token");
      t.limited(ATTACKER, at(s(10 + i)));
    }
    assertFires(t.findings("D01"), "client_address=" + ATTACKER);
  }

  @Test
  void d01IgnoresABrowserWhoseSessionEnded() {
    Traffic t = new Traffic();
    for (int i = 0; i < 40; i++) {
      t.failedAuth(ATTACKER, at(s(i)), i % 2 == 0 ? "session_unknown" : "session_idle");
    }
    assertTrue(t.findings("D01").isEmpty());
  }

  @Test
  void d02FiresOnTenRefusalsOfOneSubject() {
    Traffic t = new Traffic();
    for (int i = 0; i < 10; i++) {
      t.denied("acme.eve", HOME, at(s(i * 60)), "route_denied", "server-stop");
    }
    assertFires(t.findings("D02"), "subject=acme.eve");
  }

  @Test
  void d02IgnoresRefusalsSpreadBeyondFifteenMinutes() {
    Traffic t = new Traffic();
    for (int i = 0; i < 12; i++) {
      t.denied("acme.eve", HOME, at(s(i * 120)), "route_denied", "server-stop");
    }
    assertTrue(t.findings("D02").isEmpty());
  }

  @Test
  void d03FiresOnTwentySubjectsFromOneAddress() {
    Traffic t = new Traffic();
    for (int i = 0; i < 20; i++) {
      t.list("acme.user" + i, ATTACKER, at(s(i * 30)));
    }
    assertFires(t.findings("D03"), "client_address=" + ATTACKER);
  }

  @Test
  void d03IgnoresOneSubjectMakingManyRequests() {
    Traffic t = new Traffic();
    for (int i = 0; i < 100; i++) {
      t.list("acme.alice", HOME, at(s(i * 5)));
    }
    assertTrue(t.findings("D03").isEmpty());
  }

  @Test
  void d04FiresOnSuccessAfterTenFailuresFromTheSameAddress() {
    Traffic t = new Traffic();
    for (int i = 0; i < 10; i++) {
      t.failedAuth(ATTACKER, at(s(i * 10)), "bad_signature");
    }
    t.list("acme.victim", ATTACKER, at(s(600)));
    assertFires(t.findings("D04"), "client_address=" + ATTACKER);
  }

  @Test
  void d04IgnoresSuccessMoreThanThirtyMinutesAfterTheFailures() {
    Traffic t = new Traffic();
    for (int i = 0; i < 10; i++) {
      t.failedAuth(ATTACKER, at(s(i * 10)), "expired");
    }
    t.list("acme.victim", ATTACKER, at(Duration.ofMinutes(40)));
    assertTrue(t.findings("D04").isEmpty());
  }

  @Test
  void d05FiresOnOneTokenFromThreeNetworks() {
    Traffic t = new Traffic().list("acme.alice", HOME, at(s(0)))
        .list("acme.alice", "203.0.113.5", at(s(60))).list("acme.alice", "192.0.2.77", at(s(120)));
    assertFires(t.findings("D05"), "jti=jti-acme.alice");
  }

  @Test
  void d05IgnoresTwoAddressesInOneNetworkPlusOneOther() {
    Traffic t = new Traffic().list("acme.alice", "198.51.100.20", at(s(0)))
        .list("acme.alice", "198.51.100.21", at(s(60))).list("acme.alice", "203.0.113.5", at(s(120)));
    assertTrue(t.findings("D05").isEmpty());
  }

  @Test
  void d07FiresOnANewNetworkAfterTheSubjectHasHistory() {
    Traffic t = new Traffic();
    for (int day = 0; day < 8; day++) {
      t.list("acme.alice", HOME, at(Duration.ofDays(day)));
    }
    t.list("acme.alice", ATTACKER, at(Duration.ofDays(8).plusHours(1)));
    assertFires(t.findings("D07"), "subject=acme.alice");
  }

  @Test
  void d07StaysQuietDuringTheSevenDayWarmUpAndOnKnownNetworks() {
    Traffic t = new Traffic();
    for (int day = 0; day < 10; day++) {
      t.list("acme.alice", day % 2 == 0 ? HOME : "192.0.2.44", at(Duration.ofDays(day)));
    }
    assertTrue(t.findings("D07").isEmpty());
  }

  @Test
  void d08FiresOnTenDeniedOrMissingResourcesForOneSubject() {
    Traffic t = new Traffic();
    for (int i = 0; i < 10; i++) {
      t.read("acme.eve", HOME, at(s(i * 20)), "other-agent-" + (i % 3), 404);
    }
    assertFires(t.findings("D08"), "subject=acme.eve");
  }

  @Test
  void d08IgnoresSuccessfulResourceReads() {
    Traffic t = new Traffic();
    for (int i = 0; i < 50; i++) {
      t.read("acme.alice", HOME, at(s(i * 5)), "agent-" + (i % 3), 200);
    }
    assertTrue(t.findings("D08").isEmpty());
  }

  @Test
  void d09FiresOnOneAllowedRequestForAnotherWorkspace() {
    Traffic t = new Traffic().workspaceRead("acme.eve", HOME, at(s(0)), "globex");
    assertFires(t.findings("D09"), "subject=acme.eve");
  }

  @Test
  void d09IgnoresRequestsForTheTokensOwnWorkspace() {
    Traffic t = new Traffic().workspaceRead("acme.alice", HOME, at(s(0)), "acme");
    assertTrue(t.findings("D09").isEmpty());
  }

  @Test
  void d10FiresOnTwentyFiveDistinctMissingIds() {
    Traffic t = new Traffic();
    for (int i = 0; i < 25; i++) {
      t.read("acme.eve", HOME, at(s(i * 10)), "guess-" + i, 404);
    }
    assertFires(t.findings("D10"), "subject=acme.eve");
  }

  @Test
  void d10IgnoresRepeatedMissesOfFewIds() {
    Traffic t = new Traffic();
    for (int i = 0; i < 60; i++) {
      t.read("acme.alice", HOME, at(s(i * 5)), "deleted-" + (i % 5), 404);
    }
    assertTrue(t.findings("D10").isEmpty());
  }

  @Test
  void d11FiresOnFortyDistinctResourcesReadInTenMinutes() {
    Traffic t = new Traffic();
    for (int i = 0; i < 40; i++) {
      t.read("acme.eve", HOME, at(s(i * 10)), "agent-" + i, 200);
    }
    assertFires(t.findings("D11"), "subject=acme.eve");
  }

  @Test
  void d11IgnoresThirtyNineDistinctResources() {
    Traffic t = new Traffic();
    for (int i = 0; i < 120; i++) {
      t.read("acme.alice", HOME, at(s(i * 4)), "agent-" + (i % 39), 200);
    }
    assertTrue(t.findings("D11").isEmpty());
  }

  @Test
  void d13FiresOnThreeRevokedTokenRefusals() {
    Traffic t = new Traffic();
    for (int i = 0; i < 3; i++) {
      t.failedAuth(ATTACKER, at(s(i * 60)), "revoked");
    }
    assertFires(t.findings("D13"), "client_address=" + ATTACKER);
  }

  @Test
  void d13IgnoresTwoRefusalsWhileARevocationPropagates() {
    Traffic t = new Traffic().failedAuth(HOME, at(s(0)), "revoked").failedAuth(HOME, at(s(2)), "revoked");
    assertTrue(t.findings("D13").isEmpty());
  }

  @Test
  void d14FiresOnTenExpiredTokenRefusals() {
    Traffic t = new Traffic();
    for (int i = 0; i < 10; i++) {
      t.failedAuth(ATTACKER, at(s(i * 30)), "expired");
    }
    assertFires(t.findings("D14"), "client_address=" + ATTACKER);
  }

  @Test
  void d14IgnoresAClientThatRefreshesAfterAFewExpiredAttempts() {
    Traffic t = new Traffic();
    for (int i = 0; i < 3; i++) {
      t.failedAuth(HOME, at(s(i)), "expired");
    }
    t.list("acme.alice", HOME, at(s(5)));
    assertTrue(t.findings("D14").isEmpty());
  }

  @Test
  void d15FiresOnOneBadSignature() {
    Traffic t = new Traffic().failedAuth(ATTACKER, at(s(0)), "bad_signature");
    assertFires(t.findings("D15"), "client_address=" + ATTACKER);
  }

  @Test
  void d15IgnoresUnknownKeyIdsThatFollowAKeyRotation() {
    Traffic t = new Traffic().failedAuth(HOME, at(s(0)), "unknown_kid").failedAuth(HOME, at(s(1)), "expired");
    assertTrue(t.findings("D15").isEmpty());
  }

  @Test
  void d16FiresOnMissingScopeOnThreeRoutes() {
    Traffic t = new Traffic().denied("acme.eve", HOME, at(s(0)), "missing_scope", "server-logs")
        .denied("acme.eve", HOME, at(s(30)), "missing_scope", "system-env")
        .denied("acme.eve", HOME, at(s(60)), "missing_scope", "server-stop");
    assertFires(t.findings("D16"), "subject=acme.eve");
  }

  @Test
  void d16IgnoresRepeatedMissingScopeOnOneRoute() {
    Traffic t = new Traffic();
    for (int i = 0; i < 8; i++) {
      t.denied("acme.alice", HOME, at(s(i * 30)), "missing_scope", "server-logs");
    }
    assertTrue(t.findings("D16").isEmpty());
  }

  @Test
  void d17FiresOnAnAdminActionAtThreeInTheMorning() {
    Traffic t = new Traffic().admin("ops.root", Instant.parse("2025-03-04T03:00:00Z"));
    assertFires(t.findings("D17"), "subject=ops.root");
  }

  @Test
  void d17IgnoresAdminActionsOnAWeekdayAfternoon() {
    Traffic t = new Traffic().admin("ops.root", Instant.parse("2025-03-04T15:00:00Z"))
        .admin("ops.root", Instant.parse("2025-03-04T19:59:00Z"));
    assertTrue(t.findings("D17").isEmpty());
  }

  @Test
  void d18FiresOnABurstFarAboveAWarmedUpBaseline() {
    Traffic t = new Traffic();
    for (int minute = 0; minute < 90; minute++) {
      t.list("acme.bot", HOME, at(Duration.ofMinutes(minute)));
    }
    for (int i = 0; i < 60; i++) {
      t.list("acme.bot", HOME, at(Duration.ofMinutes(90).plusMillis(i * 500L)));
    }
    assertFires(t.findings("D18"), "subject=acme.bot");
  }

  @Test
  void d18IgnoresTheSameBurstDuringWarmUp() {
    Traffic t = new Traffic();
    for (int i = 0; i < 120; i++) {
      t.list("acme.bot", HOME, at(Duration.ofMillis(i * 500L)));
    }
    assertTrue(t.findings("D18").isEmpty());
  }

  /**
   * One 1 MB response an hour for eight days (the baseline), with {@code responses} of 40 MB a
   * minute apart from half past {@code burstHour}, in time order.
   */
  private static Traffic volume(int burstHour, int responses) {
    Traffic t = new Traffic();
    for (int hour = 0; hour <= Math.max(8 * 24, burstHour); hour++) {
      t.download("acme.analyst", HOME, at(Duration.ofHours(hour)), 1_000_000);
      for (int i = 0; hour == burstHour && i < responses; i++) {
        t.download("acme.analyst", HOME, at(Duration.ofHours(hour).plusMinutes(30 + i)), 40_000_000);
      }
    }
    return t;
  }

  @Test
  void d12FiresOnHalfAGigabyteInAnHourAboveAWarmedUpBaseline() {
    assertFires(volume(8 * 24, 15).findings("D12"), "subject=acme.analyst");
  }

  @Test
  void d12IgnoresTheSameVolumeDuringWarmUpAndLessThanTheFloorAfterIt() {
    assertTrue(volume(2 * 24, 15).findings("D12").isEmpty(), "warm-up");
    assertTrue(volume(8 * 24, 10).findings("D12").isEmpty(), "400 MB is below the floor");
  }

  @Test
  void d19FiresWhenASubjectReturnsAfterFifteenIdleDays() {
    Traffic t = new Traffic().list("acme.leaver", HOME, at(s(0))).list("acme.leaver", HOME, at(Duration.ofDays(15)));
    assertFires(t.findings("D19"), "subject=acme.leaver");
  }

  @Test
  void d19IgnoresSubjectsSeenForTheFirstTimeOrAfterAWeekend() {
    Traffic t = new Traffic().list("acme.new", HOME, at(s(0))).list("acme.alice", HOME, at(s(0)))
        .list("acme.alice", HOME, at(Duration.ofDays(3)));
    assertTrue(t.findings("D19").isEmpty());
  }

  @Test
  void d20FiresWhenANodeSkipsSequenceNumbers() {
    Traffic t = new Traffic().list("acme.alice", HOME, at(s(0))).skipSeq(5).list("acme.alice", HOME, at(s(1)));
    List<Finding> findings = t.findings("D20");
    assertFires(findings, "node_id=node-a");
    assertEquals(5, findings.get(0).value());
  }

  @Test
  void d20IgnoresAnUnbrokenChain() {
    Traffic t = new Traffic();
    for (int i = 0; i < 50; i++) {
      t.list("acme.alice", HOME, at(s(i)));
    }
    assertTrue(t.findings("D20").isEmpty());
  }

  private static final String RUNTIME = "127.0.0.1";

  /** Two hours of steady use, a 2,000-token call a minute; then {@code burst} calls of 4,000 tokens 3 s apart. */
  private static Traffic agentUse(int burst) {
    Traffic t = new Traffic();
    for (int minute = 0; minute < 120; minute++) {
      t.modelCall("agent-1", RUNTIME, at(Duration.ofMinutes(minute)), "gpt-4o-mini", 2_000);
    }
    for (int i = 0; i < burst; i++) {
      t.modelCall("agent-1", RUNTIME, at(Duration.ofMinutes(120).plusSeconds(i * 3L)), "gpt-4o-mini", 4_000);
    }
    return t;
  }

  @Test
  void d21FiresOnARunawayAgentFarAboveItsTokenBaseline() {
    assertFires(agentUse(30).findings("D21"), "agent=agent-1");
  }

  @Test
  void d21IgnoresSteadyUseAndABurstUnderTheFloor() {
    assertTrue(agentUse(0).findings("D21").isEmpty());
    assertTrue(agentUse(20).findings("D21").isEmpty(), "80,000 tokens in 5 minutes is under the 100,000 floor");
  }

  @Test
  void modelCallsAreLeftToTheEgressRules() {
    Traffic t = new Traffic();
    for (int minute = 0; minute < 90; minute++) {
      t.modelCall("agent-1", RUNTIME, at(Duration.ofMinutes(minute)), "gpt-4o-mini", 500);
    }
    Instant busy = at(Duration.ofMinutes(90));
    for (int i = 0; i < 120; i++) {
      t.modelCall("agent-1", RUNTIME, busy.plusMillis(i * 500L), "gpt-4o-mini", 500);
    }
    for (int i = 2; i < 32; i++) {
      t.modelCall("agent-" + i, RUNTIME, busy.plusSeconds(60 + i), "gpt-4o-mini", 500);
    }
    for (int i = 0; i < 25; i++) {
      t.overBudget("agent-1", RUNTIME, busy.plusSeconds(100 + i));
    }
    for (int i = 0; i < 25; i++) {
      t.egressRefused(RUNTIME, busy.plusSeconds(130 + i), "egress_credential_unknown");
    }
    // Else: D18 (120 calls a minute from agent-1's subject after a quiet hour and a half), D03 (30
    // agents from the runtime's one address), D02 (25 budget refusals), D01 (25 refused credentials).
    assertEquals(List.of(), Stream.of("D01", "D02", "D03", "D18").filter(rule -> !t.findings(rule).isEmpty()).toList());
  }

  @Test
  void d22FiresOnThreeRefusedEgressCredentialsFromOneAddress() {
    Traffic t = new Traffic().egressRefused(ATTACKER, at(s(0)), "egress_credential_revoked")
        .egressRefused(ATTACKER, at(s(60)), "egress_credential_unknown")
        .egressRefused(ATTACKER, at(s(120)), "egress_credential_revoked");
    assertFires(t.findings("D22"), "client_address=" + ATTACKER);
  }

  @Test
  void d22IgnoresTwoCallsInFlightDuringARevocation() {
    Traffic t = new Traffic().egressRefused(RUNTIME, at(s(0)), "egress_credential_revoked")
        .egressRefused(RUNTIME, at(s(2)), "egress_credential_revoked")
        .egressRefused(RUNTIME, at(Duration.ofMinutes(20)), "egress_credential_revoked");
    assertTrue(t.findings("D22").isEmpty());
  }

  @Test
  void d23FiresWhenAnEstablishedCredentialComesFromAnotherAddress() {
    Traffic t = new Traffic();
    for (int minute = 0; minute < 30; minute++) {
      t.modelCall("agent-1", RUNTIME, at(Duration.ofMinutes(minute)), "gpt-4o-mini", 1_000);
    }
    t.modelCall("agent-1", ATTACKER, at(Duration.ofMinutes(31)), "gpt-4o-mini", 1_000);
    assertFires(t.findings("D23"), "jti=cred-agent-1");
  }

  @Test
  void d23StaysQuietForAFreshCredentialAndTheUsualAddress() {
    Traffic t = new Traffic().modelCall("agent-1", "10.0.0.5", at(s(0)), "gpt-4o-mini", 1_000)
        .modelCall("agent-1", RUNTIME, at(s(60)), "gpt-4o-mini", 1_000);
    for (int minute = 2; minute < 60; minute++) {
      t.modelCall("agent-1", RUNTIME, at(Duration.ofMinutes(minute)), "gpt-4o-mini", 1_000);
    }
    assertTrue(t.findings("D23").isEmpty());
  }

  @Test
  void d24FiresOnAModelNewToAWorkspaceWithAWeekOfHistory() {
    Traffic t = new Traffic();
    for (int day = 0; day < 8; day++) {
      t.modelCall("agent-1", RUNTIME, at(Duration.ofDays(day)), "gpt-4o-mini", 1_000);
    }
    t.modelCall("agent-2", RUNTIME, at(Duration.ofDays(8).plusHours(1)), "o1-pro", 1_000);
    assertFires(t.findings("D24"), "workspace=acme");
  }

  @Test
  void d24StaysQuietDuringTheFirstWeekAndOnKnownModels() {
    Traffic t = new Traffic().modelCall("agent-1", RUNTIME, at(s(0)), "gpt-4o-mini", 1_000)
        .modelCall("agent-1", RUNTIME, at(Duration.ofDays(2)), "o1-pro", 1_000);
    for (int day = 3; day < 10; day++) {
      t.modelCall("agent-2", RUNTIME, at(Duration.ofDays(day)), day % 2 == 0 ? "o1-pro" : "gpt-4o-mini", 1_000);
    }
    assertTrue(t.findings("D24").isEmpty());
  }
}
