package dev.gatehouse.auditdetector.detect;

import static dev.gatehouse.auditdetector.detect.Traffic.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.rules.RuleDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
  void shipsNineteenDetectionsWithDistinctIds() {
    List<String> ids = Traffic.SHIPPED.stream().map(RuleDefinition::id).toList();
    assertEquals(List.of("D01", "D02", "D03", "D04", "D05", "D07", "D13", "D14", "D15", "D19", "D08", "D09", "D10",
        "D11", "D16", "D17", "D18", "D12", "D20"), ids);
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
}
