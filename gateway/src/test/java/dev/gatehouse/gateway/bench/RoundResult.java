package dev.gatehouse.gateway.bench;

import java.util.Map;

/**
 * One load round's figures: responses per second with status 2xx, latency percentiles over every
 * completed exchange, the other statuses seen and the failures (by exception kind).
 */
record RoundResult(long ok, double seconds, double p50Millis, double p99Millis, Map<Integer, Long> otherStatuses,
    Map<String, Long> failures) {

  double okPerSecond() {
    return ok / seconds;
  }

  long errors() {
    return otherStatuses.values().stream().mapToLong(Long::longValue).sum()
        + failures.values().stream().mapToLong(Long::longValue).sum();
  }
}
