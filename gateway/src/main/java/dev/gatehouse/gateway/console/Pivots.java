package dev.gatehouse.gateway.console;

import java.util.Map;
import java.util.Optional;

/**
 * The timelines an analyst can pivot to: by subject, token id, client address or workspace, named
 * as the timeline page's {@code by} parameter, and how an alert's entity ({@code field=value}, as
 * the detector writes it) maps to one of them.
 */
final class Pivots {

  /** Entity fields (audit field names) to timeline kinds. */
  static final Map<String, String> BY_FIELD = Map.of(
      "client_address", "client", "subject", "subject", "jti", "jti", "workspace", "workspace");

  private Pivots() {}

  /** The timeline of an alert's entity, as {@code {"by","value"}}; empty for an entity of another kind. */
  static Optional<Map<String, String>> ofEntity(String entity) {
    if (entity == null || entity.contains(",")) {
      return Optional.empty();
    }
    int equals = entity.indexOf('=');
    if (equals < 1) {
      return Optional.empty();
    }
    String by = BY_FIELD.get(entity.substring(0, equals));
    String value = entity.substring(equals + 1);
    return by == null || value.isEmpty() ? Optional.empty() : Optional.of(Map.of("by", by, "value", value));
  }
}
