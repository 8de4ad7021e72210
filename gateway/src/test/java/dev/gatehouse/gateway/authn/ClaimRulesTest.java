package dev.gatehouse.gateway.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class ClaimRulesTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final ClaimRules RULES = new ClaimRules("iss", "aud", "workspace", "scope", Duration.ofHours(1),
      Duration.ofSeconds(30));

  static final String WORKSPACE = "0f8e3a52-9d4b-4c3e-8a71-5b2c6d7e8f90";

  static Map<String, Object> claims() {
    Map<String, Object> c = new HashMap<>();
    c.put("iss", "iss");
    c.put("aud", "aud");
    c.put("sub", "alice");
    c.put("jti", "j1");
    c.put("workspace", WORKSPACE);
    c.put("scope", "agents:read messages:write");
    c.put("iat", NOW.getEpochSecond() - 60);
    c.put("exp", NOW.getEpochSecond() + 600);
    return c;
  }

  static String reason(Map<String, Object> claims) {
    AuthnResult result = RULES.check(claims, NOW);
    return assertInstanceOf(AuthnResult.Rejected.class, result).rejection().reason();
  }

  @Test
  void validClaimsYieldThePrincipal() {
    Principal p = assertInstanceOf(AuthnResult.Authenticated.class, RULES.check(claims(), NOW)).principal();
    assertEquals("alice", p.subject());
    assertEquals(WORKSPACE, p.workspace());
    assertEquals(Instant.ofEpochSecond(NOW.getEpochSecond() - 60), p.issuedAt());
    assertEquals(Set.of("agents:read", "messages:write"), p.scopes());
    assertEquals(Instant.ofEpochSecond(NOW.getEpochSecond() + 600), p.expiresAt());
  }

  @Test
  @Tag("T-AUTH-016")
  void theWorkspaceClaimIsCanonicalizedSoThatEverySpellingNamesOneWorkspace() {
    Map<String, Object> upper = claims();
    upper.put("workspace", WORKSPACE.toUpperCase(java.util.Locale.ROOT));
    Principal p = assertInstanceOf(AuthnResult.Authenticated.class, RULES.check(upper, NOW)).principal();
    assertEquals(WORKSPACE, p.workspace());
    for (String other : List.of("ws-1", "{" + WORKSPACE + "}", WORKSPACE.replace("-", ""), "1-1-1-1-1",
        WORKSPACE + " ")) {
      Map<String, Object> c = claims();
      c.put("workspace", other);
      assertEquals("bad_workspace_claim", reason(c), other);
    }
  }

  @Test
  void expiryHonoursTheLeewayToTheSecond() {
    Map<String, Object> inside = claims();
    inside.put("exp", NOW.getEpochSecond() - 29);
    assertInstanceOf(AuthnResult.Authenticated.class, RULES.check(inside, NOW));
    Map<String, Object> outside = claims();
    outside.put("exp", NOW.getEpochSecond() - 30);
    assertEquals("expired", reason(outside));
  }

  @Test
  void issuedAtAndNotBeforeInTheFutureAreRefusedBeyondTheLeeway() {
    Map<String, Object> iat = claims();
    iat.put("iat", NOW.getEpochSecond() + 31);
    assertEquals("issued_in_future", reason(iat));
    Map<String, Object> nbf = claims();
    nbf.put("nbf", NOW.getEpochSecond() + 31);
    assertEquals("not_yet_valid", reason(nbf));
  }

  @Test
  void lifetimeAboveTheMaximumIsRefused() {
    Map<String, Object> c = claims();
    c.put("exp", (Long) c.get("iat") + Duration.ofHours(1).toSeconds() + 1);
    assertEquals("lifetime_too_long", reason(c));
  }

  @Test
  void audienceMustBeExactlyOurs() {
    Map<String, Object> single = claims();
    single.put("aud", List.of("aud"));
    assertInstanceOf(AuthnResult.Authenticated.class, RULES.check(single, NOW));
    Map<String, Object> several = claims();
    several.put("aud", List.of("aud", "other"));
    assertEquals("bad_audience", reason(several));
  }

  @Test
  void nonIntegerTimesAndWrongTypesAreRefused() {
    Map<String, Object> floatExp = claims();
    floatExp.put("exp", NOW.getEpochSecond() + 600.5);
    assertEquals("bad_time_claim", reason(floatExp));
    Map<String, Object> stringExp = claims();
    stringExp.put("exp", String.valueOf(NOW.getEpochSecond() + 600));
    assertEquals("bad_time_claim", reason(stringExp));
    Map<String, Object> numericSub = claims();
    numericSub.put("sub", 42L);
    assertEquals("missing_claim", reason(numericSub));
    Map<String, Object> objectScope = claims();
    objectScope.put("scope", Map.of("a", 1));
    assertEquals("bad_scope_claim", reason(objectScope));
  }
}
