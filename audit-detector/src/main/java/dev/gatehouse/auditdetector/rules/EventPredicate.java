package dev.gatehouse.auditdetector.rules;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A test on a single event, written in rule files as {@code where}. Leaves compare one
 * {@link EventField}; {@code all}, {@code any} and {@code not} combine them. A comparison with an
 * absent ({@code null}) field is false.
 */
public sealed interface EventPredicate {

  /** Whether {@code event} matches. */
  boolean test(DetectionEvent event);

  /** Matches every event (a rule without {@code where}). */
  EventPredicate ANY_EVENT = new All(List.of());

  /** Every part matches (true when empty). */
  record All(List<EventPredicate> parts) implements EventPredicate {
    /** Copies the parts. */
    public All {
      parts = List.copyOf(parts);
    }

    @Override
    public boolean test(DetectionEvent event) {
      for (EventPredicate part : parts) {
        if (!part.test(event)) {
          return false;
        }
      }
      return true;
    }
  }

  /** At least one part matches. */
  record Any(List<EventPredicate> parts) implements EventPredicate {
    /** Copies the parts. */
    public Any {
      parts = List.copyOf(parts);
    }

    @Override
    public boolean test(DetectionEvent event) {
      for (EventPredicate part : parts) {
        if (part.test(event)) {
          return true;
        }
      }
      return false;
    }
  }

  /** The part does not match. */
  record Not(EventPredicate part) implements EventPredicate {
    @Override
    public boolean test(DetectionEvent event) {
      return !part.test(event);
    }
  }

  /** The field equals the value. */
  record Equals(EventField field, String value) implements EventPredicate {
    @Override
    public boolean test(DetectionEvent event) {
      return value.equals(field.read(event));
    }
  }

  /** The field equals one of the values. */
  record In(EventField field, Set<String> values) implements EventPredicate {
    /** Copies the values. */
    public In {
      values = Set.copyOf(values);
    }

    @Override
    public boolean test(DetectionEvent event) {
      String actual = field.read(event);
      return actual != null && values.contains(actual);
    }
  }

  /** The field is present. */
  record NotNull(EventField field) implements EventPredicate {
    @Override
    public boolean test(DetectionEvent event) {
      return field.read(event) != null;
    }
  }

  /** The field starts with the prefix. */
  record Prefix(EventField field, String prefix) implements EventPredicate {
    @Override
    public boolean test(DetectionEvent event) {
      String actual = field.read(event);
      return actual != null && actual.startsWith(prefix);
    }
  }

  /** Both fields are present and equal (e.g. a workspace in the path and the token's workspace). */
  record SameAs(EventField field, EventField other) implements EventPredicate {
    @Override
    public boolean test(DetectionEvent event) {
      String actual = field.read(event);
      return actual != null && Objects.equals(actual, other.read(event));
    }
  }
}
