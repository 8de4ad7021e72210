package dev.gatehouse.auditdetector.detect;

import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.auditdetector.rules.RuleLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds audit events for rule tests and runs them through an engine with the shipped rules. */
final class Traffic {

  /** A Monday, 10:00 UTC (business hours). */
  static final Instant MONDAY_10 = Instant.parse("2025-03-03T10:00:00Z");
  static final List<RuleDefinition> SHIPPED = new RuleLoader().loadShipped();

  private final List<ChainedEvent> events = new ArrayList<>();
  private long seq;
  private int requests;

  /** A request the gateway's failed-authentication limiter refused with 429. */
  Traffic limited(String address, Instant at) {
    return add(AuditEvent.builder(EventKind.HTTP, Decision.DENY, "failed_authentication_limited").status(429)
        .clientAddress(address).method("GET"), at);
  }

  /** A refused credential (401) from {@code address}. */
  Traffic failedAuth(String address, Instant at, String reason) {
    return add(AuditEvent.builder(EventKind.HTTP, Decision.DENY, reason).status(401).clientAddress(address)
        .method("GET").route("agents-list", "/api/agents"), at);
  }

  /** An allowed GET of agent {@code agentId}, answered {@code status}. */
  Traffic read(String subject, String address, Instant at, String agentId, int status) {
    return add(principal(AuditEvent.builder(EventKind.HTTP, Decision.ALLOW, "allowed"), subject, address)
        .status(status).method("GET").route("agents-get", "/api/agents/{agentId}").resourceId("agentId", agentId), at);
  }

  /** An allowed GET of the agent list (no resource ids). */
  Traffic list(String subject, String address, Instant at) {
    return add(principal(AuditEvent.builder(EventKind.HTTP, Decision.ALLOW, "allowed"), subject, address)
        .status(200).method("GET").route("agents-list", "/api/agents"), at);
  }

  /** An allowed GET of the agent list answered with {@code bytesOut} bytes. */
  Traffic download(String subject, String address, Instant at, long bytesOut) {
    return add(principal(AuditEvent.builder(EventKind.HTTP, Decision.ALLOW, "allowed"), subject, address)
        .status(200).method("GET").route("agents-list", "/api/agents").bytes(300, bytesOut), at);
  }

  /** An allowed GET on a workspace-scoped route naming {@code pathWorkspace}. */
  Traffic workspaceRead(String subject, String address, Instant at, String pathWorkspace) {
    return add(principal(AuditEvent.builder(EventKind.HTTP, Decision.ALLOW, "allowed"), subject, address)
        .status(200).method("GET").route("workspace-agents", "/api/workspaces/{workspaceId}/agents")
        .resourceId("workspaceId", pathWorkspace), at);
  }

  /** A refusal after authentication, e.g. {@code missing_scope} on {@code route}. */
  Traffic denied(String subject, String address, Instant at, String reason, String route) {
    return add(principal(AuditEvent.builder(EventKind.HTTP, Decision.DENY, reason), subject, address)
        .status(403).method("GET").route(route, "/api/" + route), at);
  }

  /** An allowed admin-plane request. */
  Traffic admin(String subject, Instant at) {
    return add(AuditEvent.builder(EventKind.ADMIN, Decision.ALLOW, "allowed").status(200).principal(subject, null, null)
        .clientAddress("192.0.2.1").method("POST").route("admin-tokens", "/admin/v1/tokens"), at);
  }

  /**
   * An allowed model call of {@code agent} (workspace {@code acme}, credential {@code cred-<agent>})
   * from {@code address}, of {@code tokens} tokens in all.
   */
  Traffic modelCall(String agent, String address, Instant at, String model, long tokens) {
    return add(AuditEvent.builder(EventKind.EGRESS, Decision.ALLOW, "allowed").status(200)
        .principal("agent:" + agent, "acme", "cred-" + agent).clientAddress(address).method("POST")
        .route("egress.openai.chat_completions", "/v1/chat/completions")
        .modelCall(agent, "openai", model, tokens * 3 / 4, tokens - tokens * 3 / 4, tokens), at);
  }

  /** A model call of {@code agent} refused because its budget had no room left. */
  Traffic overBudget(String agent, String address, Instant at) {
    return add(AuditEvent.builder(EventKind.EGRESS, Decision.DENY, "budget_exceeded").status(429)
        .principal("agent:" + agent, "acme", "cred-" + agent).clientAddress(address).method("POST")
        .route("egress.openai.chat_completions", "/v1/chat/completions")
        .modelCall(agent, "openai", "gpt-4o-mini", 0, 0, 0), at);
  }

  /** A model call refused for {@code reason} before its credential was accepted. */
  Traffic egressRefused(String address, Instant at, String reason) {
    return add(AuditEvent.builder(EventKind.EGRESS, Decision.DENY, reason).status(401).clientAddress(address)
        .method("POST").route("egress.openai.chat_completions", "/v1/chat/completions")
        .modelCall(null, "openai", null, 0, 0, 0), at);
  }

  /** Skips {@code count} sequence numbers before the next event (events lost from the chain). */
  Traffic skipSeq(long count) {
    seq += count;
    return this;
  }

  List<ChainedEvent> events() {
    return List.copyOf(events);
  }

  /** Runs every event through an engine with the shipped rules; the findings of one rule. */
  List<Finding> findings(String ruleId) {
    return run(SHIPPED, EngineOptions.defaults()).stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  /** Runs every event, in order, then flushes. */
  List<Finding> run(List<RuleDefinition> rules, EngineOptions options) {
    DetectionEngine engine = new DetectionEngine(rules, options);
    List<Finding> findings = new ArrayList<>();
    for (ChainedEvent event : events) {
      findings.addAll(engine.accept(event));
    }
    findings.addAll(engine.flush());
    return findings;
  }

  static Instant at(Duration offset) {
    return MONDAY_10.plus(offset);
  }

  private static AuditEvent.Builder principal(AuditEvent.Builder builder, String subject, String address) {
    return builder.principal(subject, workspaceOf(subject), "jti-" + subject).clientAddress(address);
  }

  /** Subjects are named {@code <workspace>.<user>}. */
  static String workspaceOf(String subject) {
    return subject.substring(0, subject.indexOf('.'));
  }

  private Traffic add(AuditEvent.Builder builder, Instant at) {
    AuditEvent event = builder.requestId("r" + requests++).timestamp(at).build();
    events.add(new ChainedEvent("node-a", ++seq, event, ChainHash.GENESIS, ChainHash.GENESIS));
    return this;
  }
}
