package dev.gatehouse.gate.trace;

/**
 * One reason the release gate fails.
 *
 * @param subject the threat id, checklist id or tag the violation is about
 * @param threatId the threat the violation bears on (for SARIF's rule id), or null
 * @param message  a sentence starting with the subject, e.g. "T-AUTH-001: test ... failed"
 * @param file     repository-relative file to point at
 * @param line     1-based line in {@code file}
 */
public record Violation(Rule rule, String subject, String threatId, String message, String file, int line) {}
