package dev.gatehouse.auditdetector.alert;

import java.time.Instant;

/**
 * Which alerts to list; every field is optional ({@code null}). {@code from} is inclusive and
 * {@code to} exclusive, on the alert's creation time.
 */
public record AlertFilter(AlertStatus status, String ruleId, String severity, String workspace, Instant from,
    Instant to) {

  /** No restriction. */
  public static final AlertFilter ALL = new AlertFilter(null, null, null, null, null, null);

  /** The same filter confined to {@code tokenWorkspace}, whatever workspace it asked for. */
  public AlertFilter restrictedTo(String tokenWorkspace) {
    return new AlertFilter(status, ruleId, severity, tokenWorkspace, from, to);
  }
}
