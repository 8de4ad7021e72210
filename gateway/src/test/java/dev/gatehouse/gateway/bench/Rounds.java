package dev.gatehouse.gateway.bench;

import java.util.Arrays;

/** Per-round figures of one measured case and their median. */
final class Rounds {

  private final double[] values;
  private int count;

  Rounds(int capacity) {
    values = new double[capacity];
  }

  void add(double value) {
    values[count++] = value;
  }

  double median() {
    double[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    int mid = count / 2;
    return count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  double min() {
    return Arrays.stream(values, 0, count).min().orElse(Double.NaN);
  }

  double max() {
    return Arrays.stream(values, 0, count).max().orElse(Double.NaN);
  }
}
