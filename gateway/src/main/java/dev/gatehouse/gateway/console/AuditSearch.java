package dev.gatehouse.gateway.console;

import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.query.AuditFilter;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The audit trail, read-only, with the admin API's filters (workspace, subject, token id,
 * decision, route, status, client address, reason, request id, from/to) and a relative
 * {@code since} such as {@code 15m} or {@code 24h}:
 * <ul>
 *   <li>{@code GET /console/audit}: one page, newest first, with a cursor to the next;</li>
 *   <li>{@code GET /console/audit/tail}: the newest {@value #TAIL_SIZE} matching events as JSON,
 *       which the page's script polls every few seconds (its live tail);</li>
 *   <li>{@code GET /console/audit/export}: every matching event as JSON lines, a download.</li>
 * </ul>
 * A workspace-bound analyst's search is confined to that workspace.
 */
final class AuditSearch implements ConsolePage {

  static final String PATH = Console.PATH + "/audit";
  static final int PAGE_SIZE = 100;
  static final int TAIL_SIZE = 50;
  static final Set<String> FILTERS = Set.of("workspace", "subject", "jti", "decision", "route", "status", "client",
      "reason", "requestId", "from", "to", "since");
  private static final Set<String> PARAMETERS;

  static {
    var all = new HashSet<>(FILTERS);
    all.add("cursor");
    PARAMETERS = Set.copyOf(all);
  }

  private final ConsoleSources sources;
  private final Views views;

  AuditSearch(ConsoleSources sources, Views views) {
    this.sources = sources;
    this.views = views;
  }

  @Override
  public void mount(Router console) {
    console.get("/audit").handler(this::search);
    console.get("/audit/tail").handler(this::tail);
    console.get("/audit/export").handler(this::export);
  }

  private void search(RoutingContext ctx) {
    Query q;
    AuditFilter filter;
    try {
      q = new Query(ctx.queryParams(), PARAMETERS);
      filter = filter(q, ctx.get(Analyst.KEY));
    } catch (IllegalArgumentException e) {
      views.error(ctx, 400);
      return;
    }
    Map<String, Object> model = new HashMap<>();
    Map<String, Object> chosen = new HashMap<>();
    FILTERS.forEach(name -> {
      if (q.text(name) != null) {
        chosen.put(name, q.text(name));
      }
    });
    model.put("filter", chosen);
    String cursor = q.text("cursor");
    try {
      sources.audit().search(filter, cursor, PAGE_SIZE).onComplete(done -> {
        if (done.failed()) {
          views.unavailable(ctx, done.cause());
          return;
        }
        model.put("events", Views.plain(done.result().events()));
        model.put("nextCursor", done.result().nextCursor().orElse(null));
        Map<String, Object> next = new HashMap<>(chosen);
        next.put("cursor", done.result().nextCursor().orElse(null));
        model.put("nextQuery", Views.query(next));
        model.put("filterQuery", Views.query(chosen));
        views.page(ctx, "audit", model);
      });
    } catch (IllegalArgumentException e) {
      views.error(ctx, 400);
    }
  }

  private void tail(RoutingContext ctx) {
    AuditFilter filter;
    try {
      filter = filter(new Query(ctx.queryParams(), FILTERS), ctx.get(Analyst.KEY));
    } catch (IllegalArgumentException e) {
      views.error(ctx, 400);
      return;
    }
    sources.audit().search(filter, null, TAIL_SIZE).onComplete(done -> {
      if (done.failed()) {
        views.unavailable(ctx, done.cause());
      } else {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(new JsonObject().put("events", new JsonArray(List.copyOf(done.result().events())))
                .toBuffer());
      }
    });
  }

  private void export(RoutingContext ctx) {
    AuditFilter filter;
    try {
      filter = filter(new Query(ctx.queryParams(), FILTERS), ctx.get(Analyst.KEY));
    } catch (IllegalArgumentException e) {
      views.error(ctx, 400);
      return;
    }
    ctx.response().setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/x-ndjson")
        .putHeader("Content-Disposition", "attachment; filename=\"gatehouse-audit.jsonl\"");
    sources.audit().export(filter, ctx.response()).onComplete(done -> {
      if (done.failed()) {
        // Headers are out: cut the download short rather than end it as if complete.
        ctx.response().reset();
      } else {
        ctx.response().end();
      }
    });
  }

  /** The search filter the parameters describe, confined to the analyst's workspace. */
  private AuditFilter filter(Query q, Analyst analyst) {
    Duration since = q.duration("since");
    Instant from = since != null ? sources.clock().instant().minus(since) : q.instant("from");
    String status = q.text("status");
    String decision = q.text("decision");
    String route = q.matching("route", AuditEvent.ROUTE_ID_PATTERN);
    AuditFilter filter = new AuditFilter(q.identifier("workspace"), q.identifier("subject"), q.identifier("jti"),
        decision == null ? null : Decision.fromWireName(decision), route,
        status == null ? null : q.number("status", AuditEvent.MIN_STATUS, AuditEvent.MAX_STATUS, 0), from,
        q.instant("to"))
        .withClientAndReason(q.matching("client", AuditEvent.CLIENT_ADDRESS_PATTERN),
            q.matching("reason", AuditEvent.REASON_KEY_PATTERN))
        .withRequestId(q.matching("requestId", AuditEvent.REQUEST_ID_PATTERN));
    return AlertDetail.confined(filter, analyst);
  }
}
