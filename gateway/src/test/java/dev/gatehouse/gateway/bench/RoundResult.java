package dev.gatehouse.gateway.bench;

import java.util.Map;

/**
 * One load round's figures: responses per second with status 2xx, latency percentiles over every
 * completed exchange, the other statuses seen and the failures (by exception kind); and, once
 * {@link #withCpu measured}, the CPU microseconds per completed exchange of the process serving
 * the case and of PostgreSQL (NaN when not measured).
 */
record RoundResult(long ok, double seconds, double p50Millis, double p99Millis, Map<Integer, Long> otherStatuses,
    Map<String, Long> failures, double proxyCpuMicros, double postgresCpuMicros) {

  RoundResult(long ok, double seconds, double p50Millis, double p99Millis, Map<Integer, Long> otherStatuses,
      Map<String, Long> failures) {
    this(ok, seconds, p50Millis, p99Millis, otherStatuses, failures, Double.NaN, Double.NaN);
  }

  double okPerSecond() {
    return ok / seconds;
  }

  long errors() {
    return otherStatuses.values().stream().mapToLong(Long::longValue).sum()
        + failures.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Every completed exchange, whatever its outcome. */
  long exchanges() {
    return ok + errors();
  }

  /** This round with the CPU microseconds its processes used in all, divided per exchange. */
  RoundResult withCpu(double proxyMicros, double postgresMicros) {
    long n = Math.max(1, exchanges());
    return new RoundResult(ok, seconds, p50Millis, p99Millis, otherStatuses, failures, proxyMicros / n,
        postgresMicros / n);
  }
}
