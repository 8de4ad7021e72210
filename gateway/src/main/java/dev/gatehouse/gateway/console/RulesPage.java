package dev.gatehouse.gateway.console;

import dev.gatehouse.auditdetector.eval.RuleScore;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.gateway.admin.RuleRoutes;
import dev.gatehouse.gateway.rules.LiveRules;
import dev.gatehouse.gateway.rules.RuleSetting;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /console/rules}: the detection rule catalogue with each rule's window, shipped and
 * effective threshold, whether it is enabled, and its evaluation scores ({@link RuleScores}). Admins change a rule with {@code POST
 * /console/rules/{id}/disable}, {@code /enable} and {@code /threshold} (form {@code threshold}, 1
 * to {@value RuleRoutes#MAX_THRESHOLD}; empty restores the shipped one): stored through the same
 * rule settings as the API and CLI, so every node applies it without a restart, and audited as an
 * admin-plane request with the admin's subject. This node applies it before answering, so the page
 * shown next reflects it.
 */
final class RulesPage implements ConsolePage {

  static final String PATH = Console.PATH + "/rules";

  private final ConsoleSources sources;
  private final Views views;
  private final RuleScores scores;

  RulesPage(ConsoleSources sources, Views views, RuleScores scores) {
    this.sources = sources;
    this.views = views;
    this.scores = scores;
  }

  @Override
  public void mount(Router console) {
    console.get("/rules").handler(this::list);
    console.post("/rules/:id/disable").handler(ctx -> change(ctx, (rule, actor) ->
        sources.ruleSettings().setEnabled(rule.id(), false, actor)));
    console.post("/rules/:id/enable").handler(ctx -> change(ctx, (rule, actor) ->
        sources.ruleSettings().setEnabled(rule.id(), true, actor)));
    console.post("/rules/:id/threshold").handler(this::threshold);
  }

  private void list(RoutingContext ctx) {
    Optional<Map<String, RuleScore>> scored =
        scores.of(LiveRules.effective(sources.rules().catalogue(), sources.rules().settings()));
    List<Object> rules = new ArrayList<>();
    for (RuleDefinition rule : sources.rules().catalogue()) {
      JsonObject described = RuleRoutes.describe(rule, sources.rules().settings().get(rule.id()));
      scored.map(s -> s.get(rule.id())).ifPresent(score -> described.put("score", new JsonObject()
          .put("precision", String.format(Locale.ROOT, "%.3f", score.precision()))
          .put("recall", String.format(Locale.ROOT, "%.3f", score.recall()))
          .put("benign", String.format(Locale.ROOT, "%.3f", score.benignPerThousandSubjectDays()))));
      rules.add(Views.plain(described));
    }
    views.page(ctx, "rules", Map.of("rules", rules, "scored", scored.isPresent()));
  }

  private void threshold(RoutingContext ctx) {
    String text = Optional.ofNullable(ctx.request().getFormAttribute("threshold")).map(String::strip).orElse("");
    Long threshold;
    if (text.isEmpty()) {
      threshold = null;
    } else if (text.matches("[0-9]{1,10}") && Long.parseLong(text) >= 1 && Long.parseLong(text) <= RuleRoutes.MAX_THRESHOLD) {
      threshold = Long.parseLong(text);
    } else {
      views.error(ctx, 400);
      return;
    }
    change(ctx, (rule, actor) -> RuleSetting.thresholdOf(rule).isEmpty()
        ? Future.failedFuture(new IllegalStateException("the rule has no threshold"))
        : sources.ruleSettings().setThreshold(rule.id(), threshold, actor));
  }

  private void change(RoutingContext ctx, Change change) {
    Analyst analyst = ctx.get(Analyst.KEY);
    if (!analyst.admin()) {
      views.error(ctx, 403);
      return;
    }
    Optional<RuleDefinition> rule = sources.rules().catalogue().stream()
        .filter(r -> r.id().equals(ctx.pathParam("id"))).findFirst();
    if (rule.isEmpty()) {
      views.error(ctx, 404);
      return;
    }
    // This node applies the change before the page is shown again; the others through the change feed.
    change.apply(rule.get(), analyst.principal().subject())
        .compose(setting -> sources.rules().refresh().map(setting)).onComplete(done -> {
      if (done.succeeded()) {
        Views.seeOther(ctx, PATH);
      } else if (done.cause() instanceof IllegalStateException) {
        views.error(ctx, 409);
      } else {
        views.unavailable(ctx, done.cause());
      }
    });
  }

  private interface Change {
    Future<RuleSetting> apply(RuleDefinition rule, String actor);
  }
}
