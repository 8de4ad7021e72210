package dev.gatehouse.gate.results;

import dev.gatehouse.gate.register.TestId;

/**
 * One {@code <testcase>} of a JUnit XML report.
 *
 * @param method      the Java method name
 * @param displayName the case's display name for a parameterized or named test ({@code ""} when
 *                    the report carries none), without the {@code [n]} index and surrounding quotes
 */
public record TestCaseResult(String className, String method, String displayName, Outcome outcome,
    String message) {

  /** Whether this case is one of the tests {@code id} names. */
  public boolean isNamedBy(TestId id) {
    return className.equals(id.className())
        && (id.method() == null || id.method().equals(method))
        && (id.casePrefix() == null || displayName.startsWith(id.casePrefix()));
  }

  /**
   * Splits a report's test name. Surefire 3 with phrased method names writes
   * {@code method(Types) display} or {@code method(Types)[n] display}; without them
   * {@code method(Types)[n]}; a plain test is just {@code method}.
   */
  static String[] splitName(String name) {
    int open = name.indexOf('(');
    int close = open < 0 ? -1 : name.indexOf(')', open);
    if (open < 0 || close < 0) {
      return new String[] {name.trim(), ""};
    }
    String display = name.substring(close + 1).trim();
    if (display.startsWith("[")) {
      int end = display.indexOf(']');
      display = end < 0 ? display : display.substring(end + 1).trim();
    }
    if (display.length() >= 2 && (display.charAt(0) == '"' || display.charAt(0) == '\'')) {
      display = display.substring(1, display.endsWith(String.valueOf(display.charAt(0)))
          ? display.length() - 1 : display.length());
    }
    return new String[] {name.substring(0, open).trim(), display};
  }
}
