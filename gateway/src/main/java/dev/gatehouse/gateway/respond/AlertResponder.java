package dev.gatehouse.gateway.respond;

import dev.gatehouse.auditdetector.alert.AlertStore;
import dev.gatehouse.auditdetector.alert.Raised;
import dev.gatehouse.auditdetector.detect.Finding;
import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import dev.gatehouse.auditdetector.live.AlertListener;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.auditdetector.rules.RuleResponse;
import dev.gatehouse.gateway.audit.DecisionAudit;
import dev.gatehouse.gateway.block.AddressBlocks;
import dev.gatehouse.gateway.token.RevocationState;
import dev.gatehouse.gateway.token.TokenRevoker;
import dev.gatehouse.gateway.workspace.WorkspaceStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the responses a rule names when its alert opens: automatic ones at once (revoke the
 * alert's token, lock its workspace, block its client address, post to the webhook), suggested
 * ones are only listed on the alert. Each response is added to the alert ({@code responses},
 * with its outcome: {@code done}, {@code failed}, {@code not_applicable} when the alert lacks the
 * target, {@code suggested}) and recorded as an audit event of kind {@code admin} with subject
 * {@value AlertStore#DETECTOR}, reason {@code response.<action>}, the alert id as resource id.
 * Nothing here blocks: every action is a future on the caller's context.
 */
public final class AlertResponder implements AlertListener {

  /** Audit route id of the detector's responses. */
  public static final String ROUTE_ID = "detector";
  /** Audit path template of the detector's responses. */
  public static final String PATH_TEMPLATE = "/detector/alerts/{alertId}/responses";

  private static final Logger LOG = LoggerFactory.getLogger(AlertResponder.class);

  /** The gateway's stores and hooks a response can act through. */
  public record Actions(TokenRevoker revoker, WorkspaceStore workspaces, RevocationState revocations,
      AddressBlocks blocks, Optional<Webhook> webhook) {}

  /** By id; replaced whole on a reload. */
  private volatile Map<String, RuleDefinition> rules;
  private final AlertStore alerts;
  private final Actions actions;
  private final DecisionAudit audit;
  private final Clock clock;

  /** Runs automatic responses through {@code actions} and audits each response through {@code audit}. */
  public AlertResponder(List<RuleDefinition> rules, AlertStore alerts, Actions actions, DecisionAudit audit,
      Clock clock) {
    this.rules = byId(rules);
    this.alerts = alerts;
    this.actions = actions;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Lists every response of a newly opened alert as suggested and runs none: for a detector that is
   * not a gateway node ({@code gatehouse detect}), which has no audit trail of its own to record
   * actions in.
   */
  public static AlertResponder suggesting(List<RuleDefinition> rules, AlertStore alerts, Clock clock) {
    return new AlertResponder(rules, alerts, null, null, clock);
  }

  /** Responds to alerts opened from now on with {@code next}'s responses (a reload). */
  public void replaceRules(List<RuleDefinition> next) {
    rules = byId(next);
  }

  private static Map<String, RuleDefinition> byId(List<RuleDefinition> rules) {
    Map<String, RuleDefinition> byId = new HashMap<>();
    rules.forEach(rule -> byId.put(rule.id(), rule));
    return Map.copyOf(byId);
  }

  @Override
  public void raised(List<Raised> raised) {
    for (Raised one : raised) {
      RuleDefinition rule = rules.get(one.finding().ruleId());
      if (!one.opened() || rule == null) {
        continue;
      }
      for (RuleResponse response : rule.responses()) {
        Future<JsonObject> outcome = response.automatic() && actions != null ? run(response, rule, one)
            : Future.succeededFuture(result(response, "suggested"));
        outcome.recover(e -> {
          LOG.warn("alert response failed: alert={} action={} kind={}", one.alertId(),
              response.action().wireName(), e.getClass().getSimpleName());
          return Future.succeededFuture(result(response, "failed"));
        }).onSuccess(result -> {
          record(one, result);
          alerts.addResponse(one.alertId(), result, AlertStore.DETECTOR)
              .onFailure(e -> LOG.warn("alert response not stored: alert={} kind={}", one.alertId(),
                  e.getClass().getSimpleName()));
        });
      }
    }
  }

  private Future<JsonObject> run(RuleResponse response, RuleDefinition rule, Raised raised) {
    Finding finding = raised.finding();
    String because = "detector: " + rule.id() + " alert " + raised.alertId();
    switch (response.action()) {
      case REVOKE_TOKEN -> {
        Optional<String> jti = entityValue(rule, finding.entity(), "jti");
        return jti.isEmpty() ? notApplicable(response)
            : actions.revoker().revokeJti(jti.get(), because).map(revoked -> result(response,
                revoked.isEmpty() ? "not_applicable" : "done").put("target", "jti=" + jti.get()));
      }
      case LOCK_WORKSPACE -> {
        Optional<UUID> workspace = uuid(finding.workspace());
        return workspace.isEmpty() ? notApplicable(response)
            : actions.workspaces().setLocked(workspace.get(), true).map(locked -> {
              locked.ifPresent(w -> actions.revocations().markLocked(w.id().toString(), true));
              return result(response, locked.isPresent() ? "done" : "not_applicable")
                  .put("target", "workspace=" + workspace.get());
            });
      }
      case BLOCK_ADDRESS -> {
        Optional<String> address = entityValue(rule, finding.entity(), "client_address")
            .flatMap(AddressBlocks::canonical);
        return address.isEmpty() ? notApplicable(response)
            : actions.blocks().add(address.get(), response.duration(), because, AlertStore.DETECTOR)
                .map(block -> result(response, "done").put("target", "client_address=" + address.get())
                    .put("until", block.getString("expiresAt")));
      }
      case WEBHOOK -> {
        if (actions.webhook().isEmpty()) {
          return notApplicable(response);
        }
        return actions.webhook().get().post(summary(rule, raised))
            .map(status -> result(response, "done").put("status", status));
      }
      default -> throw new IllegalStateException("unknown action");
    }
  }

  /** The webhook body: what the alert is about, never event contents, tokens or secrets. */
  private static JsonObject summary(RuleDefinition rule, Raised raised) {
    Finding finding = raised.finding();
    JsonArray evidence = new JsonArray();
    finding.evidence().forEach(ref -> evidence.add(ref.toString()));
    return new JsonObject()
        .put("alert", raised.alertId().toString())
        .put("rule", rule.id())
        .put("title", rule.title())
        .put("severity", rule.severity().wireName())
        .put("attack", rule.attackTechnique())
        .put("runbook", rule.runbook())
        .put("entity", finding.entity())
        .put("workspace", finding.workspace())
        .put("firstSeen", finding.firstEventTime().toString())
        .put("lastSeen", finding.lastEventTime().toString())
        .put("evidence", evidence);
  }

  private void record(Raised raised, JsonObject result) {
    if (audit == null) {
      return;
    }
    String outcome = result.getString("outcome");
    AuditEvent.Builder event = AuditEvent.builder(EventKind.ADMIN,
            "failed".equals(outcome) ? Decision.DENY : Decision.ALLOW, "response." + result.getString("action"))
        .requestId("detector:" + raised.alertId())
        .route(ROUTE_ID, PATH_TEMPLATE)
        .resourceId("alertId", raised.alertId().toString())
        .principal(AlertStore.DETECTOR, raised.finding().workspace(), null);
    try {
      audit.record(event.build());
    } catch (IllegalArgumentException e) {
      LOG.warn("response audit event not built: alert={} problem={}", raised.alertId(), e.getMessage());
    }
  }

  private JsonObject result(RuleResponse response, String outcome) {
    return new JsonObject().put("action", response.action().wireName()).put("mode", response.mode())
        .put("outcome", outcome).put("at", Instant.now(clock).toString());
  }

  private Future<JsonObject> notApplicable(RuleResponse response) {
    return Future.succeededFuture(result(response, "not_applicable"));
  }

  /** The value of {@code field} in an entity key such as {@code jti=abc} or {@code a=1,b=2}. */
  static Optional<String> entityValue(RuleDefinition rule, String entity, String field) {
    if (rule.entity().size() == 1) {
      String prefix = field + "=";
      return rule.entity().get(0).name().equals(field) && entity.startsWith(prefix)
          ? Optional.of(entity.substring(prefix.length())) : Optional.empty();
    }
    for (String part : entity.split(",")) {
      if (part.startsWith(field + "=")) {
        return Optional.of(part.substring(field.length() + 1));
      }
    }
    return Optional.empty();
  }

  private static Optional<UUID> uuid(String text) {
    try {
      return text == null ? Optional.empty() : Optional.of(UUID.fromString(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
