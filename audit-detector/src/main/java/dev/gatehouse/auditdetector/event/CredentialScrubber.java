package dev.gatehouse.auditdetector.event;

import java.util.regex.Pattern;

/**
 * Defence in depth for free-text fields that a client controls (user agent, resource ids,
 * subjects from external issuers): replaces anything shaped like a credential with
 * {@link #REDACTED}. The event model has no field for tokens, secrets, bodies or query strings;
 * this catches a client that pastes one into a header we do record. The gateway's access log
 * uses it for request paths too.
 */
public final class CredentialScrubber {

  /** Replacement text for a scrubbed credential. */
  static final String REDACTED = "[redacted]";

  /**
   * JWS/JWE compact serialisations, sealed Gatehouse values, Gatehouse admin tokens and
   * bearer/basic credentials.
   */
  private static final Pattern CREDENTIAL = Pattern.compile(
      "eyJ[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]{2,}(\\.[A-Za-z0-9_.-]*)?"
          + "|ghs:v[0-9]+:[A-Za-z0-9+/=_-]+"
          + "|gatehouse_admin_[A-Za-z0-9_-]+"
          + "|(?i:bearer|basic)\\s+[A-Za-z0-9._~+/=-]+");

  private CredentialScrubber() {
  }

  /** The value with every credential-shaped part replaced by {@link #REDACTED}. */
  public static String scrub(String value) {
    if (!mayContainCredential(value)) {
      return value;
    }
    return CREDENTIAL.matcher(value).replaceAll(REDACTED);
  }

  /**
   * Cheap pre-check, without allocation, for the markers every pattern alternative starts with;
   * the first character picks the markers worth comparing (no other character folds to these).
   */
  private static boolean mayContainCredential(String value) {
    for (int i = 0; i < value.length(); i++) {
      boolean marker = switch (value.charAt(i)) {
        case 'e', 'E' -> value.regionMatches(true, i, "eyj", 0, 3);
        case 'g' -> value.regionMatches(i, "ghs:", 0, 4) || value.regionMatches(i, "gatehouse_admin_", 0, 16);
        case 'b', 'B' -> value.regionMatches(true, i, "bearer", 0, 6) || value.regionMatches(true, i, "basic", 0, 5);
        default -> false;
      };
      if (marker) {
        return true;
      }
    }
    return false;
  }
}
