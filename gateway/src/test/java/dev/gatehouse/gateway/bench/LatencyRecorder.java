package dev.gatehouse.gateway.bench;

import java.util.Arrays;

/** Every latency of a round, in microseconds; percentiles by sorting at the end. Not thread-safe. */
final class LatencyRecorder {

  private long[] micros = new long[1 << 16];
  private int count;

  void add(long value) {
    if (count == micros.length) {
      micros = Arrays.copyOf(micros, micros.length * 2);
    }
    micros[count++] = value;
  }

  /** The {@code q} quantile (0..1) in milliseconds, nearest rank; NaN when nothing was recorded. */
  double quantileMillis(double q) {
    if (count == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(micros, count);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * count) - 1;
    return sorted[Math.max(0, Math.min(count - 1, rank))] / 1_000.0;
  }
}
