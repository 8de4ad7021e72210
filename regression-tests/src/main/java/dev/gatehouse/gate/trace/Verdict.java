package dev.gatehouse.gate.trace;

import java.util.List;
import java.util.Map;

/**
 * The traceability gate's result.
 *
 * @param violations every reason to fail, in register order; empty means PASS
 * @param counts     figures for the summary (threats per status, checklist per mapping, tests resolved)
 */
public record Verdict(List<Violation> violations, Map<String, Integer> counts) {

  public Verdict {
    violations = List.copyOf(violations);
    counts = Map.copyOf(counts);
  }

  public boolean passed() {
    return violations.isEmpty();
  }
}
