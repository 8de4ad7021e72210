package dev.gatehouse.gate.results;

/**
 * One {@code @Tag("...")} in a test source file.
 *
 * @param file repository-relative path with {@code /} separators
 * @param line 1-based line
 */
public record TagUse(String tag, String className, String file, int line) {}
