package dev.gatehouse.gateway.console;

import dev.gatehouse.auditdetector.duration.DurationText;
import dev.gatehouse.auditdetector.event.AuditEvent;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A console page's query parameters, strictly: only known names, each at most once; an empty
 * value counts as absent (an untouched form field). Every accessor throws
 * {@link IllegalArgumentException} (the page answers 400) for a malformed value.
 */
final class Query {

  /** Longest relative range ({@code since}) a page accepts. */
  static final Duration MAX_SINCE = Duration.ofDays(90);
  private static final Pattern IDENTIFIER = Pattern.compile("[^\\p{Cntrl}]{1," + AuditEvent.IDENTIFIER_MAX_LENGTH + "}");

  private final MultiMap params;

  Query(MultiMap params, Set<String> allowed) {
    for (String name : params.names()) {
      if (!allowed.contains(name) || params.getAll(name).size() != 1) {
        throw new IllegalArgumentException("unknown or repeated parameter");
      }
    }
    this.params = params;
  }

  /** The value, or null when absent or empty. */
  String text(String name) {
    String value = params.get(name);
    return value == null || value.isEmpty() ? null : value;
  }

  /** An identifier (subject, workspace, token id) without control characters, or null. */
  String identifier(String name) {
    return matching(name, IDENTIFIER);
  }

  String matching(String name, Pattern pattern) {
    String value = text(name);
    if (value != null && !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException("invalid " + name);
    }
    return value;
  }

  /** ISO-8601 date-time with an offset, or null. */
  Instant instant(String name) {
    String value = text(name);
    try {
      return value == null ? null : OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an ISO-8601 date-time", e);
    }
  }

  /** A relative range such as {@code 15m}, {@code 1h}, {@code 7d}, at most {@link #MAX_SINCE}, or null. */
  Duration duration(String name) {
    String value = text(name);
    if (value == null) {
      return null;
    }
    Duration duration = DurationText.parse(value);
    if (duration.compareTo(MAX_SINCE) > 0) {
      throw new IllegalArgumentException("range too long");
    }
    return duration;
  }

  /** A whole number in {@code [min, max]}, or {@code absent}. */
  int number(String name, int min, int max, int absent) {
    String value = text(name);
    if (value == null) {
      return absent;
    }
    if (!value.matches("[0-9]{1,9}")) {
      throw new IllegalArgumentException("not a number");
    }
    int number = Integer.parseInt(value);
    if (number < min || number > max) {
      throw new IllegalArgumentException("out of range");
    }
    return number;
  }
}
