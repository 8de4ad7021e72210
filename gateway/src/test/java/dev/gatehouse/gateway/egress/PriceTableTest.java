package dev.gatehouse.gateway.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PriceTableTest {

  @Test
  void costs_are_micro_dollars_rounded_up() {
    PriceTable prices = PriceTable.parse(List.of("gpt-4o-mini=0.15/0.6", "org/model:v1=3/15"));
    PriceTable.Price mini = prices.price("gpt-4o-mini").orElseThrow();
    assertEquals(1, mini.costMicros(1, 0), "0.15 micro-dollars round up to 1");
    assertEquals(750_000, mini.costMicros(1_000_000, 1_000_000));
    assertEquals(18, prices.price("org/model:v1").orElseThrow().costMicros(1, 1));
    assertTrue(prices.price("unknown").isEmpty());
  }

  @Test
  void malformed_or_repeated_entries_are_refused() {
    for (List<String> entries : List.of(List.of("m=1"), List.of("=1/2"), List.of("m=a/2"), List.of("m=1/2", "m=3/4"))) {
      assertThrows(IllegalArgumentException.class, () -> PriceTable.parse(entries), entries.toString());
    }
  }
}
