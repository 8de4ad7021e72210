package dev.gatehouse.gateway.console;

import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.query.AuditFilter;
import dev.gatehouse.auditdetector.query.AuditQuery;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /console/timeline?by=subject|jti|client|workspace&value=&at=&around=}: every audit
 * event of one subject, token, client address or workspace from {@code around} (default
 * {@value #DEFAULT_AROUND}, at most 90 days) before {@code at} (default now) to as long after,
 * oldest first, up to {@value AuditQuery#MAX_LIMIT} events; denials and the detector's responses
 * are marked. A workspace-bound analyst sees only that workspace's events (another workspace's
 * timeline is empty).
 */
final class Timeline implements ConsolePage {

  static final String PATH = Console.PATH + "/timeline";
  static final String DEFAULT_AROUND = "1h";
  static final Set<String> PARAMETERS = Set.of("by", "value", "at", "around");

  private final ConsoleSources sources;
  private final Views views;

  Timeline(ConsoleSources sources, Views views) {
    this.sources = sources;
    this.views = views;
  }

  @Override
  public void mount(Router console) {
    console.get("/timeline").handler(this::timeline);
  }

  private void timeline(RoutingContext ctx) {
    Analyst analyst = ctx.get(Analyst.KEY);
    AuditFilter filter;
    Map<String, Object> model = new HashMap<>();
    try {
      Query q = new Query(ctx.queryParams(), PARAMETERS);
      String by = q.text("by");
      String value = q.identifier("value");
      if (by == null || value == null) {
        throw new IllegalArgumentException("a timeline needs what it is of");
      }
      Instant at = q.instant("at") == null ? sources.clock().instant() : q.instant("at");
      Duration around = q.duration("around") == null ? Duration.ofHours(1) : q.duration("around");
      filter = switch (by) {
        case "subject" -> AuditFilter.ALL.withSubject(value);
        case "jti" -> AuditFilter.ALL.withTokenId(value);
        case "workspace" -> AuditFilter.ALL.withWorkspace(value);
        case "client" -> {
          if (!AuditEvent.CLIENT_ADDRESS_PATTERN.matcher(value).matches()) {
            throw new IllegalArgumentException("not an address");
          }
          yield AuditFilter.ALL.withClientAndReason(value, null);
        }
        default -> throw new IllegalArgumentException("unknown timeline");
      };
      filter = AlertDetail.confined(filter.withTime(at.minus(around), at.plus(around)), analyst);
      model.put("by", by);
      model.put("value", value);
      model.put("at", at.toString());
      model.put("around", q.text("around") == null ? DEFAULT_AROUND : q.text("around"));
    } catch (IllegalArgumentException e) {
      views.error(ctx, 400);
      return;
    }
    if (!analyst.admin() && "workspace".equals(model.get("by")) && !analyst.workspace().equals(model.get("value"))) {
      // Another workspace's timeline is empty for a workspace-bound analyst (never theirs under its name).
      model.put("events", List.of());
      model.put("denials", 0);
      model.put("truncated", false);
      views.page(ctx, "timeline", model);
      return;
    }
    sources.audit().search(filter, null, AuditQuery.MAX_LIMIT).onComplete(done -> {
      if (done.failed()) {
        views.unavailable(ctx, done.cause());
        return;
      }
      List<JsonObject> events = new ArrayList<>(done.result().events());
      Collections.reverse(events);
      long denials = events.stream().filter(e -> "deny".equals(e.getString("decision"))).count();
      model.put("events", Views.plain(events));
      model.put("denials", denials);
      model.put("truncated", done.result().nextCursor().isPresent());
      views.page(ctx, "timeline", model);
    });
  }
}
