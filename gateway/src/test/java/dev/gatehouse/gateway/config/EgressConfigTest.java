package dev.gatehouse.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EgressConfigTest {

  final ConfigLoader loader = new ConfigLoader();

  GatewayConfig load(Map<String, String> env) {
    return loader.load(Optional.empty(), env, List.of(new Setting("dataDir", "unused", "test")));
  }

  @Test
  void egress_is_off_by_default_and_configured_through_the_environment() {
    GatewayConfig.Egress off = load(Map.of()).egress();
    assertFalse(off.enabled());
    assertEquals(new ListenAddress("127.0.0.1", 8082), off.listen());
    assertEquals("https://api.openai.com/v1", off.openaiBaseUrl().toString());

    GatewayConfig.Egress on = load(Map.of("GATEHOUSE_EGRESS_ENABLED", "true",
        "GATEHOUSE_EGRESS_OPENAI_BASE_URL", "http://127.0.0.1:11434/v1",
        "GATEHOUSE_EGRESS_DEFAULT_MAX_TOKENS", "512",
        "GATEHOUSE_EGRESS_RESERVATION_TIMEOUT", "2m",
        "GATEHOUSE_EGRESS_PRICES", "gpt-4o-mini=0.15/0.6,local=0/0")).egress();
    assertTrue(on.enabled());
    assertEquals("http://127.0.0.1:11434/v1", on.openaiBaseUrl().toString());
    assertEquals(512, on.defaultMaxTokens());
    assertEquals(java.time.Duration.ofMinutes(2), on.reservationTimeout());
    assertEquals(150_000, on.prices().price("gpt-4o-mini").orElseThrow().inputMicrosPerMillion());
    assertTrue(on.prices().price("local").isPresent());
  }

  @Test
  void invalid_egress_settings_are_refused_naming_the_key() {
    Map<Map<String, String>, String> cases = Map.of(
        Map.of("GATEHOUSE_EGRESS_PRICES", "gpt=1/2,gpt=3/4"), "egress.prices",
        Map.of("GATEHOUSE_EGRESS_PRICES", "gpt=cheap"), "egress.prices",
        Map.of("GATEHOUSE_EGRESS_LISTEN", "127.0.0.1:8080"), "egress.listen",
        Map.of("GATEHOUSE_EGRESS_ANTHROPIC_BASE_URL", "https://user:pw@api.anthropic.com/v1"),
        "egress.anthropic.baseUrl",
        Map.of("GATEHOUSE_EGRESS_DEFAULT_MAX_TOKENS", "0"), "egress.defaultMaxTokens");
    cases.forEach((env, key) -> {
      ConfigException e = assertThrows(ConfigException.class, () -> load(env), env.toString());
      // A malformed list entry is named with its index, e.g. egress.prices[0].
      assertTrue(e.key().equals(key) || e.key().startsWith(key + "["), env + " named " + e.key());
    });
  }
}
