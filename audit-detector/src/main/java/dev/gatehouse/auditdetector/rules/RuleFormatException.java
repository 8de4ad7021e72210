package dev.gatehouse.auditdetector.rules;

/** A rule file that cannot be read, does not match the schema, or defines a rule twice. */
public final class RuleFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A problem in {@code source}. */
  public RuleFormatException(String source, String problem) {
    super(source + ": " + problem);
  }
}
