package dev.gatehouse.gateway.egress;

import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import dev.gatehouse.gateway.audit.DecisionAudit;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each model call and each refusal of the egress listener as one {@code egress} audit
 * event: subject {@code agent:<agent>}, the workspace, the credential's public id as token id, the
 * caller's address and user agent, route id and provider path, status, latency, bytes, and the model call (agent,
 * provider, model, tokens, cost). Never a prompt, a completion, a key or a credential.
 */
final class EgressAudit {

  private static final Logger LOG = LoggerFactory.getLogger(EgressAudit.class);
  static final String SUBJECT_PREFIX = "agent:";

  private final DecisionAudit audit;

  EgressAudit(DecisionAudit audit) {
    this.audit = audit;
  }

  /** False once the trail cannot keep another event: the listener refuses calls (fail closed). */
  boolean admitting() {
    return audit.admitting();
  }

  /** Records {@code call}, ended with {@code reason}; at most once per call, never throws. */
  void record(EgressCall call, HttpServerRequest request, String reason) {
    if (!call.markRecorded()) {
      return;
    }
    int status = request.response().getStatusCode();
    AuditEvent.Builder event = AuditEvent.builder(EventKind.EGRESS,
            EgressReasons.ALLOWED.equals(reason) ? Decision.ALLOW : Decision.DENY, reason)
        .requestId(call.requestId)
        .status(status >= AuditEvent.MIN_STATUS && status <= AuditEvent.MAX_STATUS ? status : null)
        .method(request.method().name())
        .userAgent(request.getHeader("User-Agent"))
        .latencyMicros((System.nanoTime() - call.startedNanos) / 1_000)
        .bytes(request.bytesRead(), request.response().bytesWritten());
    if (call.clientAddress != null && AuditEvent.CLIENT_ADDRESS_PATTERN.matcher(call.clientAddress).matches()) {
      event.clientAddress(call.clientAddress);
    }
    call.api.ifPresent(api -> event.route(api.routeId(), api.path()));
    call.holder.ifPresent(h -> event.principal(SUBJECT_PREFIX + h.agent(), h.workspace().toString(), h.publicId()));
    event.modelCall(call.holder.map(EgressCredentials.Holder::agent).orElse(null),
        call.api.map(api -> api.provider().id()).orElse(null), call.model.orElse(null),
        call.tokensIn, call.tokensOut, call.costMicros);
    try {
      audit.record(event.build());
    } catch (IllegalArgumentException e) {
      LOG.warn("egress audit event reduced: requestId={} problem={}", call.requestId, e.getMessage());
      audit.record(AuditEvent.builder(EventKind.EGRESS, Decision.DENY, reason).requestId(call.requestId)
          .modelCall(null, null, null, 0, 0, 0).build());
    }
  }
}
