package dev.gatehouse.auditdetector.retention;

import java.util.List;

/**
 * What one retention run changed.
 *
 * @param created daily partitions created
 * @param dropped daily partitions dropped
 */
public record RetentionReport(List<String> created, List<String> dropped) {

  /** Copies the lists. */
  public RetentionReport {
    created = List.copyOf(created);
    dropped = List.copyOf(dropped);
  }
}
