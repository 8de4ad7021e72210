package dev.gatehouse.gateway.ownership;

import java.util.Locale;

/**
 * The one spelling of a resource id the registry stores and compares. elizaOS ids are UUIDs, and
 * the runtime's database compares UUIDs by value: {@code A0EE...}, {@code a0ee...}, the form
 * without hyphens and the form in braces all name one row. The registry therefore compares
 * values too: an id that PostgreSQL reads as a UUID becomes its lower-case hyphenated form;
 * any other id is kept as it is.
 */
public final class ResourceId {

  private static final int HEX_DIGITS = 32;

  private ResourceId() {}

  /** {@code id} in canonical form: lower-case {@code 8-4-4-4-12} when it is a UUID in any spelling. */
  public static String canonical(String id) {
    String bare = id.startsWith("{") && id.endsWith("}") && id.length() > 2 ? id.substring(1, id.length() - 1) : id;
    StringBuilder hex = new StringBuilder(HEX_DIGITS);
    for (int i = 0; i < bare.length(); i++) {
      char c = bare.charAt(i);
      if (c == '-') {
        continue;
      }
      boolean asciiHex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!asciiHex || hex.length() == HEX_DIGITS) {
        return id;
      }
      hex.append(c);
    }
    if (hex.length() != HEX_DIGITS) {
      return id;
    }
    String h = hex.toString().toLowerCase(Locale.ROOT);
    return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-"
        + h.substring(20);
  }
}
