package dev.gatehouse.gateway.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenTtlTest {

  @Test
  void parsesWholeNumbersWithAUnit() {
    assertEquals(Optional.of(Duration.ofSeconds(90)), TokenTtl.parse("90s"));
    assertEquals(Optional.of(Duration.ofMinutes(15)), TokenTtl.parse("15m"));
    assertEquals(Optional.of(Duration.ofHours(1)), TokenTtl.parse("1h"));
    assertEquals(Optional.of(Duration.ofDays(7)), TokenTtl.parse("7d"));
  }

  @Test
  void refusesEverythingElse() {
    for (String bad : new String[] {"", "0h", "-1h", "1.5h", "1 h", "1H", "h", "12345678h", "1w", null}) {
      assertTrue(TokenTtl.parse(bad).isEmpty(), String.valueOf(bad));
    }
  }
}
