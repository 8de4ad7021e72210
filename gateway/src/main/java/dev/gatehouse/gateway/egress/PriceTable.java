package dev.gatehouse.gateway.egress;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What model calls cost: per model, US dollars per million input and per million output tokens,
 * from {@code egress.prices} entries {@code model=input/output} (e.g. {@code gpt-4o-mini=0.15/0.6}).
 * Costs are whole micro-dollars, rounded up, so a spend ceiling is never undercounted.
 */
public final class PriceTable {

  /** One model's prices in micro-dollars per million tokens. */
  public record Price(long inputMicrosPerMillion, long outputMicrosPerMillion) {

    /** The cost of {@code tokensIn} and {@code tokensOut} in micro-dollars, rounded up. */
    public long costMicros(long tokensIn, long tokensOut) {
      long scaled = Math.addExact(Math.multiplyExact(tokensIn, inputMicrosPerMillion),
          Math.multiplyExact(tokensOut, outputMicrosPerMillion));
      return (scaled + 999_999) / 1_000_000;
    }
  }

  public static final PriceTable EMPTY = new PriceTable(Map.of());

  private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);

  private final Map<String, Price> prices;

  private PriceTable(Map<String, Price> prices) {
    this.prices = Map.copyOf(prices);
  }

  /**
   * Parses {@code model=input/output} entries.
   *
   * @throws IllegalArgumentException naming the first malformed or repeated entry
   */
  public static PriceTable parse(List<String> entries) {
    Map<String, Price> prices = new HashMap<>();
    for (String entry : entries) {
      int eq = entry.indexOf('=');
      int slash = entry.indexOf('/', eq + 1);
      if (eq < 1 || slash < 0) {
        throw new IllegalArgumentException("entry " + entry + " is not model=input/output");
      }
      String model = entry.substring(0, eq);
      Price price;
      try {
        price = new Price(micros(entry.substring(eq + 1, slash)), micros(entry.substring(slash + 1)));
      } catch (NumberFormatException | ArithmeticException e) {
        throw new IllegalArgumentException("entry " + entry + " has an invalid price");
      }
      if (prices.put(model, price) != null) {
        throw new IllegalArgumentException("model " + model + " is priced twice");
      }
    }
    return new PriceTable(prices);
  }

  private static long micros(String dollars) {
    return new BigDecimal(dollars).multiply(MICROS).setScale(0, RoundingMode.UP).longValueExact();
  }

  public Optional<Price> price(String model) {
    return Optional.ofNullable(prices.get(model));
  }
}
