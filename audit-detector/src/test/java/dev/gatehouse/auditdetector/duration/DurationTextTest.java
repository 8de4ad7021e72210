package dev.gatehouse.auditdetector.duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {

  @ParameterizedTest
  @CsvSource({
      "250ms, PT0.25S",
      "90s, PT1M30S",
      "15m, PT15M",
      "1h, PT1H",
      "7d, PT168H",
      "PT15M, PT15M",
      "P1DT12H, PT36H",
      "pt30s, PT30S"})
  void acceptsEveryUnitAndIso8601(String text, String expected) {
    assertEquals(Duration.parse(expected), DurationText.parse(text));
    assertEquals(Optional.of(Duration.parse(expected)), DurationText.of(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "5x", "1.5h", "-1h", "1 h", "h", "1w", "PT", "PTxS", "1h30m", "9999999999s"})
  void refusesOtherTextNamingTheFormsWithoutEchoingIt(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationText.parse(text));
    assertEquals("must be a duration: a whole number and a unit (ms, s, m, h, d) such as 250ms, 90s, 15m, 1h or 7d,"
        + " or ISO-8601 such as PT15M", e.getMessage());
    assertEquals(Optional.empty(), DurationText.of(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "0ms", "PT0S", "PT-5S", "-PT5S"})
  void refusesZeroAndNegative(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationText.parse(text));
    assertEquals("must be a duration greater than zero", e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void anythingButAStringIsNoDuration() {
    assertEquals(Optional.empty(), DurationText.of(60));
    assertEquals(Optional.empty(), DurationText.of(null));
  }
}
