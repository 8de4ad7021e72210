package dev.gatehouse.gateway.console;

import dev.gatehouse.auditdetector.alert.AlertFilter;
import dev.gatehouse.auditdetector.alert.AlertPage;
import dev.gatehouse.auditdetector.alert.AlertStatus;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.auditdetector.rules.Severity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /console/alerts}: the alert queue, newest first (or by severity or last event on the
 * page), filtered by status, severity, rule, workspace and creation time (a relative
 * {@code since} or {@code from}/{@code to}), in pages of {@code limit} with a cursor, and the count
 * of alerts per status. A workspace-bound analyst's queue holds only that workspace's alerts,
 * whatever the filter asks for.
 */
final class AlertQueue implements ConsolePage {

  static final String PATH = Console.PATH + "/alerts";
  static final Set<String> PARAMETERS =
      Set.of("status", "severity", "rule", "workspace", "since", "from", "to", "sort", "cursor", "limit");
  static final Set<String> SORTS = Set.of("newest", "severity", "last_seen");
  static final int PAGE_SIZE = 50;
  private static final List<String> SEVERITY_ORDER = List.of("critical", "high", "medium", "low", "info");

  private final ConsoleSources sources;
  private final Views views;

  AlertQueue(ConsoleSources sources, Views views) {
    this.sources = sources;
    this.views = views;
  }

  @Override
  public void mount(Router console) {
    console.get("/alerts").handler(this::queue);
  }

  private void queue(RoutingContext ctx) {
    Analyst analyst = ctx.get(Analyst.KEY);
    Map<String, Object> model = new HashMap<>();
    Future<AlertPage> page;
    String sort;
    Map<String, Object> filterModel;
    try {
      Query q = new Query(ctx.queryParams(), PARAMETERS);
      String status = q.text("status");
      String severity = q.text("severity");
      String rule = q.text("rule");
      if (rule != null && !RuleDefinition.ID_PATTERN.matcher(rule).matches()) {
        throw new IllegalArgumentException("invalid rule");
      }
      Duration since = q.duration("since");
      Instant now = sources.clock().instant();
      Instant from = since != null ? now.minus(since) : q.instant("from");
      AlertFilter filter = new AlertFilter(status == null ? null : AlertStatus.fromWireName(status), rule,
          severity == null ? null : Severity.fromWireName(severity).wireName(), q.identifier("workspace"), from,
          q.instant("to"));
      if (!analyst.admin()) {
        filter = filter.restrictedTo(analyst.workspace());
      }
      sort = q.text("sort") == null ? "newest" : q.text("sort");
      if (!SORTS.contains(sort)) {
        throw new IllegalArgumentException("unknown sort");
      }
      page = sources.alerts().list(filter, q.text("cursor"), q.number("limit", 1, 500, PAGE_SIZE));
      filterModel = filterModel(q, sort);
      model.put("filter", filterModel);
    } catch (IllegalArgumentException e) {
      views.error(ctx, 400);
      return;
    }
    Map<String, Object> chosen = filterModel;
    String order = sort;
    Future<Map<String, Long>> counts = sources.alerts().countByStatus(analyst.admin() ? null : analyst.workspace());
    Future.all(page, counts).onComplete(done -> {
      if (done.failed()) {
        views.unavailable(ctx, done.cause());
        return;
      }
      List<JsonObject> alerts = new ArrayList<>(page.result().alerts());
      if ("severity".equals(order)) {
        alerts.sort(Comparator.comparingInt(a -> rank(a.getString("severity"))));
      } else if ("last_seen".equals(order)) {
        alerts.sort(Comparator.comparing((JsonObject a) -> a.getString("lastSeen")).reversed());
      }
      model.put("alerts", Views.plain(alerts));
      model.put("counts", counts.result());
      model.put("nextCursor", page.result().nextCursor().orElse(null));
      Map<String, Object> next = new HashMap<>(chosen);
      next.put("cursor", page.result().nextCursor().orElse(null));
      model.put("nextQuery", Views.query(next));
      model.put("rules", sources.rules().catalogue().stream().map(RuleDefinition::id).toList());
      views.page(ctx, "alerts", model);
    });
  }

  private static Map<String, Object> filterModel(Query q, String sort) {
    Map<String, Object> filter = new HashMap<>();
    for (String name : PARAMETERS) {
      if (!"cursor".equals(name) && q.text(name) != null) {
        filter.put(name, q.text(name));
      }
    }
    filter.put("sort", sort);
    return filter;
  }

  private static int rank(String severity) {
    int at = SEVERITY_ORDER.indexOf(severity);
    return at < 0 ? SEVERITY_ORDER.size() : at;
  }
}
