package dev.gatehouse.gateway.authn;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one spelling of a workspace id a principal carries: a UUID in its hyphenated {@code 8-4-4-4-12}
 * form, in lower case. A token's workspace claim in upper or mixed case names the same workspace
 * (PostgreSQL compares UUIDs by value), so it is canonicalized before any lock, allowlist or
 * ownership check compares it; any other shape is refused.
 */
final class WorkspaceClaim {

  private static final Pattern UUID = Pattern.compile(
      "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}");

  private WorkspaceClaim() {}

  static Optional<String> canonical(String claim) {
    return UUID.matcher(claim).matches() ? Optional.of(claim.toLowerCase(Locale.ROOT)) : Optional.empty();
  }
}
