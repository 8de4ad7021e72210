package dev.gatehouse.gateway.console;

import dev.gatehouse.auditdetector.alert.AlertStore;
import dev.gatehouse.auditdetector.alert.Disposition;
import dev.gatehouse.auditdetector.alert.NewSuppression;
import dev.gatehouse.auditdetector.duration.DurationText;
import dev.gatehouse.auditdetector.query.AuditFilter;
import dev.gatehouse.auditdetector.query.AuditPage;
import dev.gatehouse.gateway.respond.AlertResponder;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One alert: {@code GET /console/alerts/{id}} shows its rule and runbook section, the evidence rows
 * (the audit events it names, each opened in place), the responses taken with their own audit
 * rows, its history, and pivots to the timelines of what it is about. Forms post to
 * {@code /assign} (assignee), {@code /ack} (note), {@code /resolve} (disposition, note) and, for
 * admins, {@code /suppress} (a period such as {@code 24h}, at most 90 days, and a reason). Another workspace's alert is as
 * missing as none (404). As through the API, a workspace-bound analyst never acknowledges or
 * resolves an alert about their own subject or token.
 */
final class AlertDetail implements ConsolePage {

  /** Evidence rows opened on the page (the alert keeps at most {@value AlertStore#MAX_EVIDENCE}). */
  static final int MAX_EVIDENCE_ROWS = AlertStore.MAX_EVIDENCE;

  private final ConsoleSources sources;
  private final Views views;

  AlertDetail(ConsoleSources sources, Views views) {
    this.sources = sources;
    this.views = views;
  }

  @Override
  public void mount(Router console) {
    console.get("/alerts/:id").handler(this::show);
    console.post("/alerts/:id/assign").handler(this::assign);
    console.post("/alerts/:id/ack").handler(this::acknowledge);
    console.post("/alerts/:id/resolve").handler(this::resolve);
    console.post("/alerts/:id/suppress").handler(this::suppress);
  }

  private void show(RoutingContext ctx) {
    Analyst analyst = ctx.get(Analyst.KEY);
    Optional<UUID> id = uuid(ctx.pathParam("id"));
    if (id.isEmpty()) {
      views.error(ctx, 404);
      return;
    }
    sources.alerts().get(id.get(), analyst.workspace()).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture((Map<String, Object>) null);
      }
      JsonObject alert = found.get();
      return Future.all(evidence(alert, analyst), responseRows(id.get(), analyst)).map(all -> {
        Map<String, Object> model = new HashMap<>();
        model.put("alert", Views.plain(alert));
        model.put("evidence", Views.plain(all.<List<JsonObject>>resultAt(0)));
        model.put("responseEvents", Views.plain(all.<AuditPage>resultAt(1).events()));
        model.put("pivot", Pivots.ofEntity(alert.getString("entity")).orElse(null));
        model.put("runbook", Runbooks.link(alert.getString("runbook")).orElse(null));
        model.put("around", alert.getString("lastSeen"));
        model.put("dispositions", List.of("true_positive", "benign", "false_positive"));
        return model;
      });
    }).onComplete(done -> {
      if (done.failed()) {
        views.unavailable(ctx, done.cause());
      } else if (done.result() == null) {
        views.error(ctx, 404);
      } else {
        views.page(ctx, "alert", done.result());
      }
    });
  }

  /** The audit rows the alert names, in its order; one a caller may not see, or no longer stored, is left out. */
  private Future<List<JsonObject>> evidence(JsonObject alert, Analyst analyst) {
    JsonArray refs = alert.getJsonArray("evidence", new JsonArray());
    List<Future<AuditPage>> lookups = new ArrayList<>();
    for (int i = 0; i < refs.size() && i < MAX_EVIDENCE_ROWS; i++) {
      JsonObject ref = refs.getJsonObject(i);
      AuditFilter filter = ref.getString("node") != null && ref.getLong("seq") != null
          ? AuditFilter.ALL.withPosition(ref.getString("node"), ref.getLong("seq"))
          : AuditFilter.ALL.withEventId(UUID.fromString(ref.getString("event_id")));
      lookups.add(sources.audit().search(confined(filter, analyst), null, 1));
    }
    return Future.all(lookups).map(all -> {
      List<JsonObject> rows = new ArrayList<>();
      lookups.forEach(lookup -> rows.addAll(lookup.result().events()));
      return rows;
    });
  }

  /** The audit rows of the responses the detector ran for this alert. */
  private Future<AuditPage> responseRows(UUID id, Analyst analyst) {
    return sources.audit().search(confined(AuditFilter.ALL.withRequestId(AlertResponder.ROUTE_ID + ":" + id), analyst),
        null, 100);
  }

  private void assign(RoutingContext ctx) {
    String assignee = Optional.ofNullable(ctx.request().getFormAttribute("assignee")).map(String::strip).orElse("");
    if (assignee.isEmpty() || assignee.length() > AlertStore.MAX_ASSIGNEE
        || assignee.chars().anyMatch(Character::isISOControl)) {
      views.error(ctx, 400);
      return;
    }
    change(ctx, (analyst, id) -> sources.alerts().assign(id, assignee, analyst.principal().subject(),
        analyst.workspace()));
  }

  private void acknowledge(RoutingContext ctx) {
    change(ctx, (analyst, id) -> sources.alerts().acknowledge(id, analyst.principal().subject(), note(ctx),
        analyst.workspace()));
  }

  private void resolve(RoutingContext ctx) {
    Disposition disposition;
    try {
      disposition = Disposition.fromWireName(Optional.ofNullable(ctx.request().getFormAttribute("disposition"))
          .orElse(""));
    } catch (IllegalArgumentException e) {
      views.error(ctx, 400);
      return;
    }
    change(ctx, (analyst, id) -> sources.alerts().resolve(id, analyst.principal().subject(), disposition, note(ctx),
        analyst.workspace()));
  }

  private void suppress(RoutingContext ctx) {
    Analyst analyst = ctx.get(Analyst.KEY);
    Optional<UUID> id = uuid(ctx.pathParam("id"));
    if (!analyst.admin()) {
      views.error(ctx, 403);
      return;
    }
    Optional<Duration> period = DurationText.of(ctx.request().getFormAttribute("for"));
    String reason = ctx.request().getFormAttribute("reason");
    if (id.isEmpty() || period.isEmpty() || reason == null || reason.isBlank()) {
      views.error(ctx, 400);
      return;
    }
    sources.alerts().get(id.get(), null).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(false);
      }
      JsonObject alert = found.get();
      return sources.alerts().suppress(new NewSuppression(alert.getString("rule"), alert.getString("entity"),
          alert.getString("workspace"), reason.strip(), analyst.principal().subject(), period.get()),
          sources.clock().instant()).map(true);
    }).onComplete(done -> {
      if (done.failed()) {
        if (done.cause() instanceof IllegalArgumentException) {
          views.error(ctx, 400);
        } else {
          views.unavailable(ctx, done.cause());
        }
      } else if (!done.result()) {
        views.error(ctx, 404);
      } else {
        Views.seeOther(ctx, AlertQueue.PATH + "/" + id.get());
      }
    });
  }

  /** A status change; refused for a workspace-bound analyst without triage or about their own activity. */
  private void change(RoutingContext ctx, Change change) {
    Analyst analyst = ctx.get(Analyst.KEY);
    Optional<UUID> id = uuid(ctx.pathParam("id"));
    if (id.isEmpty()) {
      views.error(ctx, 404);
      return;
    }
    if (!analyst.triage()) {
      views.error(ctx, 403);
      return;
    }
    String note = note(ctx);
    if (note != null && note.length() > AlertStore.MAX_NOTE) {
      views.error(ctx, 400);
      return;
    }
    sources.alerts().get(id.get(), analyst.workspace()).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(404);
      }
      String entity = found.get().getString("entity");
      if (!analyst.admin() && (("subject=" + analyst.principal().subject()).equals(entity)
          || ("jti=" + analyst.principal().jti()).equals(entity))) {
        return Future.succeededFuture(403);
      }
      return change.apply(analyst, id.get()).map(changed -> changed.isPresent() ? 303 : 404)
          .recover(failure -> failure instanceof IllegalStateException ? Future.succeededFuture(409)
              : Future.failedFuture(failure));
    }).onComplete(done -> {
      if (done.failed()) {
        views.unavailable(ctx, done.cause());
      } else if (done.result() == 303) {
        Views.seeOther(ctx, AlertQueue.PATH + "/" + id.get());
      } else {
        views.error(ctx, done.result());
      }
    });
  }

  private interface Change {
    Future<Optional<JsonObject>> apply(Analyst analyst, UUID id);
  }

  private static String note(RoutingContext ctx) {
    String note = ctx.request().getFormAttribute("note");
    return note == null || note.isBlank() ? null : note.strip();
  }

  static AuditFilter confined(AuditFilter filter, Analyst analyst) {
    return analyst.admin() ? filter : filter.restrictedTo(analyst.workspace());
  }

  private static Optional<UUID> uuid(String text) {
    try {
      return text == null ? Optional.empty() : Optional.of(UUID.fromString(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
