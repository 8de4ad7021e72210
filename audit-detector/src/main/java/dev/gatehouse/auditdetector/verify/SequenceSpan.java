package dev.gatehouse.auditdetector.verify;

/**
 * The sequence numbers {@code first..last} (inclusive) of one node's chain that a verification
 * walks; verifying consecutive spans one after the other checks what verifying them at once does.
 */
public record SequenceSpan(long first, long last) {

  /** Validates the span. */
  public SequenceSpan {
    if (first < 1 || last < first) {
      throw new IllegalArgumentException("a span is 1 <= first <= last");
    }
  }

  /** How many sequence numbers the span covers. */
  public long length() {
    return last - first + 1;
  }
}
