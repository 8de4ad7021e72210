package dev.gatehouse.auditdetector.query;

import dev.gatehouse.auditdetector.event.Decision;
import java.time.Instant;
import java.util.UUID;

/**
 * Conditions on audit events; every non-null field must match (AND). Times are
 * {@code from <= ts < to}.
 *
 * <p>A workspace-scoped caller (an {@code audit:read} token bound to one workspace) must be
 * given {@link #restrictedTo(String)} of its own workspace: whatever workspace it asked for is
 * replaced, so it can never see another workspace's events — including through a lookup by
 * node and sequence, event id or request id, which then simply matches nothing.
 *
 * @param workspace workspace, or null
 * @param subject subject, or null
 * @param tokenId token id ({@code jti}), or null
 * @param decision decision, or null
 * @param routeId route id, or null
 * @param status status, or null
 * @param from inclusive lower time bound, or null
 * @param to exclusive upper time bound, or null
 * @param clientAddress client IP literal, or null
 * @param reasonKey reason key (e.g. a refusal reason), or null
 * @param requestId gateway request id, or null
 * @param eventId event id, or null
 * @param nodeId recording node, or null
 * @param seq sequence number in the node's chain, or null
 */
public record AuditFilter(String workspace, String subject, String tokenId, Decision decision, String routeId,
    Integer status, Instant from, Instant to, String clientAddress, String reasonKey, String requestId,
    UUID eventId, String nodeId, Long seq) {

  /** Matches every event. */
  public static final AuditFilter ALL =
      new AuditFilter(null, null, null, null, null, null, null, null, null, null, null, null, null, null);

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

  /** The filter of the original eight conditions, the lookup conditions absent. */
  public AuditFilter(String workspace, String subject, String tokenId, Decision decision, String routeId,
      Integer status, Instant from, Instant to) {
    this(workspace, subject, tokenId, decision, routeId, status, from, to, null, null, null, null, null, null);
  }

  /** This filter with the workspace forced to {@code ownWorkspace} (never null). */
  public AuditFilter restrictedTo(String ownWorkspace) {
    if (ownWorkspace == null) {
      throw new IllegalArgumentException("a workspace scope needs a workspace");
    }
    return withWorkspace(ownWorkspace);
  }

  /** This filter with another workspace condition. */
  public AuditFilter withWorkspace(String value) {
    return new AuditFilter(value, subject, tokenId, decision, routeId, status, from, to, clientAddress, reasonKey,
        requestId, eventId, nodeId, seq);
  }

  /** This filter with another subject condition. */
  public AuditFilter withSubject(String value) {
    return new AuditFilter(workspace, value, tokenId, decision, routeId, status, from, to, clientAddress, reasonKey,
        requestId, eventId, nodeId, seq);
  }

  /** This filter with another token id condition. */
  public AuditFilter withTokenId(String value) {
    return new AuditFilter(workspace, subject, value, decision, routeId, status, from, to, clientAddress, reasonKey,
        requestId, eventId, nodeId, seq);
  }

  /** This filter with another decision condition. */
  public AuditFilter withDecision(Decision value) {
    return new AuditFilter(workspace, subject, tokenId, value, routeId, status, from, to, clientAddress, reasonKey,
        requestId, eventId, nodeId, seq);
  }

  /** This filter with another route condition. */
  public AuditFilter withRouteId(String value) {
    return new AuditFilter(workspace, subject, tokenId, decision, value, status, from, to, clientAddress, reasonKey,
        requestId, eventId, nodeId, seq);
  }

  /** This filter with another status condition. */
  public AuditFilter withStatus(Integer value) {
    return new AuditFilter(workspace, subject, tokenId, decision, routeId, value, from, to, clientAddress, reasonKey,
        requestId, eventId, nodeId, seq);
  }

  /** This filter with another time range. */
  public AuditFilter withTime(Instant fromInclusive, Instant toExclusive) {
    return new AuditFilter(workspace, subject, tokenId, decision, routeId, status, fromInclusive, toExclusive,
        clientAddress, reasonKey, requestId, eventId, nodeId, seq);
  }

  /** This filter with another client address and reason key condition. */
  public AuditFilter withClientAndReason(String client, String reason) {
    return new AuditFilter(workspace, subject, tokenId, decision, routeId, status, from, to, client, reason,
        requestId, eventId, nodeId, seq);
  }

  /** This filter with another request id condition. */
  public AuditFilter withRequestId(String value) {
    return new AuditFilter(workspace, subject, tokenId, decision, routeId, status, from, to, clientAddress, reasonKey,
        value, eventId, nodeId, seq);
  }

  /** This filter with another event id condition. */
  public AuditFilter withEventId(UUID value) {
    return new AuditFilter(workspace, subject, tokenId, decision, routeId, status, from, to, clientAddress, reasonKey,
        requestId, value, nodeId, seq);
  }

  /** This filter with another position condition (node and sequence number). */
  public AuditFilter withPosition(String node, Long sequence) {
    return new AuditFilter(workspace, subject, tokenId, decision, routeId, status, from, to, clientAddress, reasonKey,
        requestId, eventId, node, sequence);
  }
}
