package dev.gatehouse.gate.register;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test named by the register or the checklist (threat-model/README.md "Test ids"):
 * {@code package.Class}, {@code package.Class#method} or {@code package.Class#method[CASE]}.
 *
 * @param className  fully qualified class name
 * @param method     method name, or null for every test of the class
 * @param casePrefix the start of a parameterized case's display name, or null for every case
 */
public record TestId(String className, String method, String casePrefix) {

  private static final Pattern SYNTAX = Pattern.compile(
      "([a-z][a-z0-9_]*(?:\\.[a-z][a-z0-9_]*)*\\.[A-Z][A-Za-z0-9_]*)(?:#([A-Za-z_][A-Za-z0-9_]*)(?:\\[([^\\]]+)\\])?)?");

  /** Parses a test id; empty when it does not follow the syntax. */
  public static Optional<TestId> parse(String text) {
    Matcher m = SYNTAX.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new TestId(m.group(1), m.group(2), m.group(3)));
  }

  @Override
  public String toString() {
    return className + (method == null ? "" : "#" + method) + (casePrefix == null ? "" : "[" + casePrefix + "]");
  }
}
