package dev.gatehouse.gateway.admin;

import dev.gatehouse.auditdetector.rules.Aggregation;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.gateway.rules.LiveRules;
import dev.gatehouse.gateway.rules.RuleSetting;
import dev.gatehouse.gateway.rules.RuleSettingsStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /admin/v1/rules} (full admin only): the detection rule catalogue and the operators'
 * settings, applied on every node without a restart.
 * <ul>
 *   <li>{@code GET} → {@code {"rules":[{"id","title","severity","attack","runbook","kind","window",
 *       "threshold","effectiveThreshold","enabled","override":{"threshold","updatedBy","updatedAt"}|null}]}};
 *       {@code window} (ISO-8601) and {@code threshold} are null for kinds without one;</li>
 *   <li>{@code POST /{id}/disable}, {@code POST /{id}/enable} → the rule as listed;</li>
 *   <li>{@code PUT /{id}/threshold {"threshold":n}} ({@code n} 1..{@value #MAX_THRESHOLD}) → the
 *       rule; 409 {@code no_threshold} for a rule that has none; {@code DELETE /{id}/threshold} →
 *       the rule with its own threshold again.</li>
 * </ul>
 * An unknown rule is 404, a malformed body 400 {@code invalid_request}, a database failure 503.
 * Every change is audited as an admin request.
 */
public final class RuleRoutes implements AdminRoutes {

  static final String PATH = AdminApi.PREFIX + "/rules";
  /** Largest threshold an override may set. */
  public static final long MAX_THRESHOLD = 1_000_000_000L;

  private final LiveRules rules;
  private final RuleSettingsStore store;

  public RuleRoutes(LiveRules rules, RuleSettingsStore store) {
    this.rules = rules;
    this.store = store;
  }

  @Override
  public void mount(Router router) {
    router.get(PATH).handler(this::list);
    router.post(PATH + "/:id/disable").handler(ctx -> switchTo(ctx, false));
    router.post(PATH + "/:id/enable").handler(ctx -> switchTo(ctx, true));
    router.put(PATH + "/:id/threshold").handler(this::override);
    router.delete(PATH + "/:id/threshold").handler(this::clearOverride);
  }

  private void list(RoutingContext ctx) {
    if (!full(ctx)) {
      return;
    }
    JsonArray listed = new JsonArray();
    for (RuleDefinition rule : rules.catalogue()) {
      listed.add(describe(rule, rules.settings().get(rule.id())));
    }
    AdminReplies.json(ctx, 200, new JsonObject().put("rules", listed));
  }

  private void switchTo(RoutingContext ctx, boolean enabled) {
    Optional<RuleDefinition> rule = target(ctx);
    if (rule.isEmpty()) {
      return;
    }
    store.setEnabled(rule.get().id(), enabled, AdminReplies.actor(ctx)).onComplete(done -> reply(ctx, rule.get(), done));
  }

  private void override(RoutingContext ctx) {
    Optional<RuleDefinition> rule = target(ctx);
    if (rule.isEmpty()) {
      return;
    }
    Optional<JsonObject> body = AdminReplies.body(ctx);
    Object value = body.map(b -> b.getValue("threshold")).orElse(null);
    boolean known = body.map(b -> Set.of("threshold").containsAll(b.fieldNames())).orElse(false);
    if (!known || !(value instanceof Integer || value instanceof Long)
        || ((Number) value).longValue() < 1 || ((Number) value).longValue() > MAX_THRESHOLD) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    if (RuleSetting.thresholdOf(rule.get()).isEmpty()) {
      AdminReplies.refuse(ctx, 409, "no_threshold");
      return;
    }
    store.setThreshold(rule.get().id(), ((Number) value).longValue(), AdminReplies.actor(ctx))
        .onComplete(done -> reply(ctx, rule.get(), done));
  }

  private void clearOverride(RoutingContext ctx) {
    Optional<RuleDefinition> rule = target(ctx);
    if (rule.isEmpty()) {
      return;
    }
    store.setThreshold(rule.get().id(), null, AdminReplies.actor(ctx)).onComplete(done -> reply(ctx, rule.get(), done));
  }

  /**
   * The rule the path names, for a full admin caller; otherwise empty, and the caller has been
   * answered (403 for a workspace-bound caller, 404 for an unknown id).
   */
  private Optional<RuleDefinition> target(RoutingContext ctx) {
    if (!full(ctx)) {
      return Optional.empty();
    }
    Optional<RuleDefinition> rule = rule(ctx);
    if (rule.isEmpty()) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
    }
    return rule;
  }

  private Optional<RuleDefinition> rule(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return rules.catalogue().stream().filter(rule -> rule.id().equals(id)).findFirst();
  }

  private static void reply(RoutingContext ctx, RuleDefinition rule, AsyncResult<RuleSetting> done) {
    if (done.failed()) {
      AdminReplies.unavailable(ctx, done.cause());
    } else {
      AdminReplies.json(ctx, 200, describe(rule, done.result()));
    }
  }

  /** One catalogue entry: the rule as loaded, and what the setting (or null) makes of it. */
  public static JsonObject describe(RuleDefinition rule, RuleSetting setting) {
    Optional<Long> own = RuleSetting.thresholdOf(rule);
    Long override = setting == null || own.isEmpty() ? null : setting.threshold();
    return new JsonObject()
        .put("id", rule.id())
        .put("title", rule.title())
        .put("severity", rule.severity().wireName())
        .put("attack", rule.attackTechnique())
        .put("runbook", rule.runbook())
        .put("kind", kind(rule.aggregation()))
        .put("window", window(rule.aggregation()).map(Duration::toString).orElse(null))
        .put("threshold", own.orElse(null))
        .put("effectiveThreshold", override != null ? override : own.orElse(null))
        .put("enabled", setting == null || setting.enabled())
        .put("override", override == null ? null : new JsonObject()
            .put("threshold", override)
            .put("updatedBy", setting.updatedBy())
            .put("updatedAt", setting.updatedAt().toString()));
  }

  private static String kind(Aggregation aggregation) {
    if (aggregation instanceof Aggregation.Count) {
      return "count";
    } else if (aggregation instanceof Aggregation.Distinct) {
      return "distinct";
    } else if (aggregation instanceof Aggregation.Sum) {
      return "sum";
    } else if (aggregation instanceof Aggregation.FirstSeen) {
      return "first_seen";
    } else if (aggregation instanceof Aggregation.Sequence) {
      return "sequence";
    } else if (aggregation instanceof Aggregation.Anomaly) {
      return "anomaly";
    }
    return "match";
  }

  private static Optional<Duration> window(Aggregation aggregation) {
    if (aggregation instanceof Aggregation.Count count) {
      return Optional.of(count.window());
    } else if (aggregation instanceof Aggregation.Distinct distinct) {
      return Optional.of(distinct.window());
    } else if (aggregation instanceof Aggregation.Sum sum) {
      return Optional.of(sum.window());
    } else if (aggregation instanceof Aggregation.Sequence sequence) {
      return Optional.of(sequence.window());
    } else if (aggregation instanceof Aggregation.FirstSeen firstSeen) {
      return Optional.of(firstSeen.history());
    } else if (aggregation instanceof Aggregation.Anomaly anomaly) {
      return Optional.of(anomaly.bucket());
    }
    return Optional.empty();
  }

  private static boolean full(RoutingContext ctx) {
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    if (access != null && access.full()) {
      return true;
    }
    AdminReplies.error(ctx, ErrorBody.FORBIDDEN);
    return false;
  }
}
