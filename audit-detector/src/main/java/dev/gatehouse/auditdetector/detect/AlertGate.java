package dev.gatehouse.auditdetector.detect;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The in-memory open-alert set: one finding per (rule, entity) until the re-arm interval of event
 * time passes without another hit. Each suppressed hit extends the alert and is counted. Bounded:
 * beyond {@code capacity} pairs the least recently hit is forgotten (its next hit opens a new
 * finding).
 */
final class AlertGate {

  private final long rearmMicros;
  private final Map<String, Long> lastHit;
  private long suppressed;

  AlertGate(long rearmMicros, int capacity) {
    this.rearmMicros = rearmMicros;
    this.lastHit = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Whether a hit at {@code timeMicros} opens a finding; otherwise it is suppressed. */
  boolean admit(String ruleId, String entity, long timeMicros) {
    Long previous = lastHit.put(ruleId + '\u0000' + entity, timeMicros);
    if (previous != null && timeMicros - previous < rearmMicros) {
      suppressed++;
      return false;
    }
    return true;
  }

  long suppressed() {
    return suppressed;
  }
}
