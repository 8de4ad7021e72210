package dev.gatehouse.auditdetector.query;

import dev.gatehouse.auditdetector.event.Decision;
import java.time.Instant;

/**
 * Conditions on audit events; every non-null field must match (AND). Times are
 * {@code from <= ts < to}.
 *
 * <p>A workspace-scoped caller (an {@code audit:read} token bound to one workspace) must be
 * given {@link #restrictedTo(String)} of its own workspace: whatever workspace it asked for is
 * replaced, so it can never see another workspace's events.
 *
 * @param workspace workspace, or null
 * @param subject subject, or null
 * @param tokenId token id ({@code jti}), or null
 * @param decision decision, or null
 * @param routeId route id, or null
 * @param status status, or null
 * @param from inclusive lower time bound, or null
 * @param to exclusive upper time bound, or null
 */
public record AuditFilter(String workspace, String subject, String tokenId, Decision decision, String routeId,
    Integer status, Instant from, Instant to) {

  /** Matches every event. */
  public static final AuditFilter ALL = new AuditFilter(null, null, null, null, null, null, null, null);

  /**
   * Validates the time range.
   *
   * @throws IllegalArgumentException if {@code to} is not after {@code from}
   */
  public AuditFilter {
    if (from != null && to != null && !to.isAfter(from)) {
      throw new IllegalArgumentException("to must be after from");
    }
  }

  /** This filter with the workspace forced to {@code ownWorkspace} (never null). */
  public AuditFilter restrictedTo(String ownWorkspace) {
    if (ownWorkspace == null) {
      throw new IllegalArgumentException("a workspace scope needs a workspace");
    }
    return new AuditFilter(ownWorkspace, subject, tokenId, decision, routeId, status, from, to);
  }

  /** This filter with another workspace condition. */
  public AuditFilter withWorkspace(String value) {
    return new AuditFilter(value, subject, tokenId, decision, routeId, status, from, to);
  }

  /** This filter with another subject condition. */
  public AuditFilter withSubject(String value) {
    return new AuditFilter(workspace, value, tokenId, decision, routeId, status, from, to);
  }

  /** This filter with another token id condition. */
  public AuditFilter withTokenId(String value) {
    return new AuditFilter(workspace, subject, value, decision, routeId, status, from, to);
  }

  /** This filter with another decision condition. */
  public AuditFilter withDecision(Decision value) {
    return new AuditFilter(workspace, subject, tokenId, value, routeId, status, from, to);
  }

  /** This filter with another route condition. */
  public AuditFilter withRouteId(String value) {
    return new AuditFilter(workspace, subject, tokenId, decision, value, status, from, to);
  }

  /** This filter with another status condition. */
  public AuditFilter withStatus(Integer value) {
    return new AuditFilter(workspace, subject, tokenId, decision, routeId, value, from, to);
  }

  /** This filter with another time range. */
  public AuditFilter withTime(Instant fromInclusive, Instant toExclusive) {
    return new AuditFilter(workspace, subject, tokenId, decision, routeId, status, fromInclusive, toExclusive);
  }
}
