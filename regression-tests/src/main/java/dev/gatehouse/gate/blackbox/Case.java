package dev.gatehouse.gate.blackbox;

import java.util.List;

/**
 * One black-box case: an id (e.g. {@code BB-J02}), what it checks, the threats of
 * threat-model/threats.yaml it proves, and the probe it runs against a {@link Session}.
 */
public record Case(String id, String title, List<String> threats, Body body) {

  public Case {
    threats = List.copyOf(threats);
  }

  /** Runs the case; throws {@link CaseFailed} when the target is weakened. */
  @FunctionalInterface
  public interface Body {
    void run(Session session) throws Exception;
  }
}
