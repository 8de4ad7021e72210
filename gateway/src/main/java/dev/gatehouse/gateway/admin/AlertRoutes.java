package dev.gatehouse.gateway.admin;

import dev.gatehouse.auditdetector.duration.DurationText;
import dev.gatehouse.auditdetector.alert.AlertFilter;
import dev.gatehouse.auditdetector.alert.AlertPage;
import dev.gatehouse.auditdetector.alert.AlertStatus;
import dev.gatehouse.auditdetector.alert.AlertStore;
import dev.gatehouse.auditdetector.alert.Disposition;
import dev.gatehouse.auditdetector.alert.NewSuppression;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.auditdetector.rules.Severity;
import dev.gatehouse.gateway.authn.BearerAuthenticator;
import dev.gatehouse.gateway.authn.Principal;
import dev.gatehouse.gateway.errors.ErrorBody;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Alert triage and suppressions.
 * <ul>
 *   <li>{@code GET /alerts?status=&rule=&severity=&workspace=&from=&to=&cursor=&limit=} →
 *       {@code {"alerts":[...],"nextCursor":"..."|null}}, newest first (creation time), keyset pages,
 *       {@code limit} 1..{@value AlertStore#MAX_LIMIT} (default {@value AlertStore#DEFAULT_LIMIT});</li>
 *   <li>{@code GET /alerts/{id}} → the alert with its evidence (audit event references), responses and
 *       history;</li>
 *   <li>{@code POST /alerts/{id}/ack} {@code {"note"?}} → the alert; 409 {@code invalid_transition} unless
 *       it is open;</li>
 *   <li>{@code POST /alerts/{id}/assign} {@code {"assignee"}} → the alert with its {@code assignee}; 409
 *       {@code invalid_transition} once resolved;</li>
 *   <li>{@code POST /alerts/{id}/resolve} {@code {"disposition":"true_positive|benign|false_positive","note"?}}
 *       → the alert; 400 {@code disposition_required} without a valid disposition; 409 once resolved;</li>
 *   <li>{@code GET /suppressions}, {@code POST /suppressions} {@code {"rule","entity"?,"workspace"?,
 *       "for":"24h","reason"}} (201), {@code DELETE /suppressions/{id}} (204): full admin only.</li>
 * </ul>
 * A Gatehouse token bound to a workspace with {@value #READ_SCOPE} (reads) or {@value #WRITE_SCOPE}
 * (reads and changes) reaches the alert routes only, and only its workspace's alerts: others are 404.
 * Separation of duties: such a token never acknowledges or resolves an alert about its own subject
 * or its own token (403 {@code own_activity}), or whoever holds it could silence the alerts raised
 * on it; full admins may.
 * Unknown, repeated or malformed parameters are 400 {@code bad_request}; database failures 503.
 */
public final class AlertRoutes implements AdminRoutes {

  public static final String PATH = AdminApi.PREFIX + "/alerts";
  public static final String SUPPRESSIONS_PATH = AdminApi.PREFIX + "/suppressions";
  /** Workspace-bound scope to read alerts. */
  public static final String READ_SCOPE = "alerts:read";
  /** Workspace-bound scope to read, acknowledge and resolve alerts. */
  public static final String WRITE_SCOPE = "alerts:write";
  /** Error key of a change a workspace-bound caller may not make to an alert about itself. */
  static final String OWN_ACTIVITY = "own_activity";

  /** Query parameters of the list route; anything else is 400. */
  static final Set<String> LIST_PARAMETERS =
      Set.of("status", "rule", "severity", "workspace", "from", "to", "cursor", "limit");

  private final AlertStore alerts;
  private final Clock clock;

  public AlertRoutes(AlertStore alerts, Clock clock) {
    this.alerts = alerts;
    this.clock = clock;
  }

  /** Whether {@code path} is one of the alert routes a workspace-bound alerts token may reach. */
  static boolean covers(String path) {
    return PATH.equals(path) || (path != null && path.startsWith(PATH + "/"));
  }

  @Override
  public void mount(Router router) {
    router.get(PATH).handler(this::list);
    router.get(PATH + "/:id").handler(this::get);
    router.post(PATH + "/:id/ack").handler(this::acknowledge);
    router.post(PATH + "/:id/assign").handler(this::assign);
    router.post(PATH + "/:id/resolve").handler(this::resolve);
    router.get(SUPPRESSIONS_PATH).handler(this::suppressions);
    router.post(SUPPRESSIONS_PATH).handler(this::suppress);
    router.delete(SUPPRESSIONS_PATH + "/:id").handler(this::unsuppress);
  }

  private void list(RoutingContext ctx) {
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    Future<AlertPage> page;
    try {
      MultiMap params = ctx.queryParams();
      for (String name : params.names()) {
        if (!LIST_PARAMETERS.contains(name) || params.getAll(name).size() != 1 || params.get(name).isEmpty()) {
          throw new IllegalArgumentException("unknown, repeated or empty parameter");
        }
      }
      String status = params.get("status");
      String rule = params.get("rule");
      String severity = params.get("severity");
      String limit = params.get("limit");
      if (rule != null && !RuleDefinition.ID_PATTERN.matcher(rule).matches()) {
        throw new IllegalArgumentException("invalid rule");
      }
      if (limit != null && !limit.matches("[0-9]{1,4}")) {
        throw new IllegalArgumentException("invalid limit");
      }
      AlertFilter filter = new AlertFilter(status == null ? null : AlertStatus.fromWireName(status), rule,
          severity == null ? null : Severity.fromWireName(severity).wireName(), identifier(params.get("workspace")),
          instant(params.get("from")), instant(params.get("to")));
      if (!access.full()) {
        filter = filter.restrictedTo(access.workspace());
      }
      page = alerts.list(filter, params.get("cursor"), limit == null ? 0 : Integer.parseInt(limit));
    } catch (IllegalArgumentException e) {
      AdminReplies.error(ctx, ErrorBody.BAD_REQUEST);
      return;
    }
    page.onComplete(done -> {
      if (done.failed()) {
        AdminReplies.unavailable(ctx, done.cause());
      } else {
        AdminReplies.json(ctx, 200, new JsonObject().put("alerts", new JsonArray(done.result().alerts()))
            .put("nextCursor", done.result().nextCursor().orElse(null)));
      }
    });
  }

  private void get(RoutingContext ctx) {
    Optional<UUID> id = AdminReplies.uuid(ctx.pathParam("id"));
    if (id.isEmpty()) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      return;
    }
    reply(ctx, alerts.get(id.get(), restriction(ctx)));
  }

  private void acknowledge(RoutingContext ctx) {
    Optional<UUID> id = AdminReplies.uuid(ctx.pathParam("id"));
    Optional<JsonObject> body = optionalBody(ctx);
    if (id.isEmpty()) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      return;
    }
    if (!writable(ctx)) {
      AdminReplies.error(ctx, ErrorBody.FORBIDDEN);
      return;
    }
    if (body.isEmpty()) {
      AdminReplies.error(ctx, ErrorBody.BAD_REQUEST);
      return;
    }
    Optional<String> note = note(body.get());
    if (note == null) {
      AdminReplies.error(ctx, ErrorBody.BAD_REQUEST);
      return;
    }
    unlessOwnActivity(ctx, id.get(), () ->
        reply(ctx, alerts.acknowledge(id.get(), AdminReplies.actor(ctx), note.orElse(null), restriction(ctx))));
  }

  private void assign(RoutingContext ctx) {
    Optional<UUID> id = AdminReplies.uuid(ctx.pathParam("id"));
    if (id.isEmpty()) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      return;
    }
    if (!writable(ctx)) {
      AdminReplies.error(ctx, ErrorBody.FORBIDDEN);
      return;
    }
    Optional<JsonObject> body = AdminReplies.body(ctx);
    Object assignee = body.map(b -> b.getValue("assignee")).orElse(null);
    if (body.isEmpty() || !Set.of("assignee").containsAll(body.get().fieldNames()) || !(assignee instanceof String name)
        || name.isBlank() || name.length() > AlertStore.MAX_ASSIGNEE || name.chars().anyMatch(Character::isISOControl)) {
      AdminReplies.error(ctx, ErrorBody.BAD_REQUEST);
      return;
    }
    unlessOwnActivity(ctx, id.get(), () ->
        reply(ctx, alerts.assign(id.get(), name.strip(), AdminReplies.actor(ctx), restriction(ctx))));
  }

  private void resolve(RoutingContext ctx) {
    Optional<UUID> id = AdminReplies.uuid(ctx.pathParam("id"));
    if (id.isEmpty()) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      return;
    }
    if (!writable(ctx)) {
      AdminReplies.error(ctx, ErrorBody.FORBIDDEN);
      return;
    }
    Optional<JsonObject> body = AdminReplies.body(ctx);
    Disposition disposition;
    try {
      disposition = Disposition.fromWireName(body.map(b -> b.getValue("disposition"))
          .filter(String.class::isInstance).map(String.class::cast).orElse(""));
    } catch (IllegalArgumentException e) {
      AdminReplies.refuse(ctx, 400, "disposition_required");
      return;
    }
    Optional<String> note = note(body.get());
    if (note == null) {
      AdminReplies.error(ctx, ErrorBody.BAD_REQUEST);
      return;
    }
    unlessOwnActivity(ctx, id.get(), () ->
        reply(ctx, alerts.resolve(id.get(), AdminReplies.actor(ctx), disposition, note.orElse(null), restriction(ctx))));
  }

  private void suppressions(RoutingContext ctx) {
    if (!full(ctx)) {
      return;
    }
    alerts.suppressions().onComplete(done -> {
      if (done.failed()) {
        AdminReplies.unavailable(ctx, done.cause());
      } else {
        AdminReplies.json(ctx, 200, new JsonObject().put("suppressions", new JsonArray(done.result())));
      }
    });
  }

  private void suppress(RoutingContext ctx) {
    if (!full(ctx)) {
      return;
    }
    NewSuppression request;
    try {
      JsonObject body = AdminReplies.body(ctx).orElseThrow(() -> new IllegalArgumentException("no body"));
      for (String name : body.fieldNames()) {
        if (!Set.of("rule", "entity", "workspace", "for", "reason").contains(name)) {
          throw new IllegalArgumentException("unknown field");
        }
      }
      request = new NewSuppression(text(body, "rule"), text(body, "entity"), text(body, "workspace"),
          text(body, "reason"), AdminReplies.actor(ctx),
          DurationText.of(body.getValue("for")).orElseThrow(() -> new IllegalArgumentException("bad period")));
    } catch (IllegalArgumentException | ClassCastException e) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    alerts.suppress(request, clock.instant()).onComplete(done -> AdminReplies.created(ctx, done));
  }

  private void unsuppress(RoutingContext ctx) {
    if (!full(ctx)) {
      return;
    }
    Optional<UUID> id = AdminReplies.uuid(ctx.pathParam("id"));
    if (id.isEmpty()) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      return;
    }
    alerts.unsuppress(id.get()).onComplete(done -> AdminReplies.removed(ctx, done));
  }

  private static void reply(RoutingContext ctx, Future<Optional<JsonObject>> alert) {
    alert.onComplete(done -> {
      if (done.succeeded()) {
        if (done.result().isEmpty()) {
          AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
        } else {
          AdminReplies.json(ctx, 200, done.result().get());
        }
      } else if (done.cause() instanceof IllegalStateException) {
        AdminReplies.refuse(ctx, 409, "invalid_transition");
      } else if (done.cause() instanceof IllegalArgumentException) {
        AdminReplies.error(ctx, ErrorBody.BAD_REQUEST);
      } else {
        AdminReplies.unavailable(ctx, done.cause());
      }
    });
  }

  /** Runs {@code change} unless the alert is about the workspace-bound caller's own subject or token. */
  private void unlessOwnActivity(RoutingContext ctx, UUID id, Runnable change) {
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    Principal principal = ctx.get(BearerAuthenticator.PRINCIPAL);
    if (access.full() || principal == null) {
      change.run();
      return;
    }
    Set<String> own = Set.of("subject=" + principal.subject(), "jti=" + principal.jti());
    alerts.get(id, restriction(ctx)).onComplete(found -> {
      if (found.failed()) {
        AdminReplies.unavailable(ctx, found.cause());
      } else if (found.result().map(alert -> own.contains(alert.getString("entity"))).orElse(false)) {
        AdminReplies.refuse(ctx, 403, OWN_ACTIVITY);
      } else {
        change.run();
      }
    });
  }

  /** The workspace the caller is confined to, or null for full admin access. */
  private static String restriction(RoutingContext ctx) {
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    return access.full() ? null : access.workspace();
  }

  private static boolean writable(RoutingContext ctx) {
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    return access.full() || access.grants(WRITE_SCOPE);
  }

  private static boolean full(RoutingContext ctx) {
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    if (access.full()) {
      return true;
    }
    AdminReplies.error(ctx, ErrorBody.FORBIDDEN);
    return false;
  }

  /** The body, an empty object when there is none, or empty when it is not a JSON object. */
  private static Optional<JsonObject> optionalBody(RoutingContext ctx) {
    return ctx.body().length() <= 0 ? Optional.of(new JsonObject()) : AdminReplies.body(ctx);
  }

  /** The optional note, or null when it is malformed. */
  private static Optional<String> note(JsonObject body) {
    Object note = body.getValue("note");
    if (note == null) {
      return Optional.empty();
    }
    return note instanceof String text && text.length() <= AlertStore.MAX_NOTE ? Optional.of(text) : null;
  }

  private static String text(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException(field + " must be text");
    }
    return (String) value;
  }

  private static String identifier(String value) {
    if (value != null && (value.length() > NewSuppression.MAX_TEXT || value.chars().anyMatch(Character::isISOControl))) {
      throw new IllegalArgumentException("invalid identifier");
    }
    return value;
  }

  private static Instant instant(String value) {
    try {
      return value == null ? null : OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an ISO-8601 date-time", e);
    }
  }
}
