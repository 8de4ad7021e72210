package dev.gatehouse.auditdetector.event;

/**
 * Makes client-controlled text safe to record: credentials scrubbed, control and format
 * characters replaced by {@code ?}, truncated to a maximum number of code points without
 * splitting a surrogate pair. Cleaning is idempotent.
 */
final class TextCleaner {

  private static final int REPLACEMENT = '?';

  private TextCleaner() {
  }

  static String clean(String value, int maxCodePoints) {
    if (value == null) {
      return null;
    }
    String scrubbed = CredentialScrubber.scrub(value);
    StringBuilder out = new StringBuilder(Math.min(scrubbed.length(), maxCodePoints * 2));
    int count = 0;
    for (int i = 0; i < scrubbed.length() && count < maxCodePoints; count++) {
      int codePoint = scrubbed.codePointAt(i);
      out.appendCodePoint(isUnsafe(codePoint) ? REPLACEMENT : codePoint);
      i += Character.charCount(codePoint);
    }
    return out.toString();
  }

  /** Control, format (e.g. bidi overrides), separator, surrogate and unassigned code points. */
  static boolean isUnsafe(int codePoint) {
    switch (Character.getType(codePoint)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.SURROGATE:
      case Character.UNASSIGNED:
      case Character.PRIVATE_USE:
        return true;
      default:
        return false;
    }
  }
}
