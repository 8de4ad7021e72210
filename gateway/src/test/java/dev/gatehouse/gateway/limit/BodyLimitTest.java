package dev.gatehouse.gateway.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BodyLimitTest {

  final BodyLimit limit = new BodyLimit(1024);

  @ParameterizedTest(name = "[{0}] over: {1}")
  @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
      null                       | false
      0                          | false
      1024                       | false
      ' 1024 '                   | false
      1025                       | true
      00000000000000000000001024 | false
      00000000000000000000001025 | true
      999999999999999999         | true
      99999999999999999999999999 | true
      -5                         | false
      12ab                       | false
      ''                         | false
      """)
  void only_a_plain_decimal_length_above_the_cap_is_declared_over(String contentLength, boolean over) {
    assertEquals(over, limit.declaredOver(contentLength));
  }

  @Test
  void a_cap_below_one_byte_is_refused() {
    assertThrows(IllegalArgumentException.class, () -> new BodyLimit(0));
  }
}
