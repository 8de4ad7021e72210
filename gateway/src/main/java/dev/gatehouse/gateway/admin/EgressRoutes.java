package dev.gatehouse.gateway.admin;

import dev.gatehouse.auditdetector.duration.DurationText;
import dev.gatehouse.gateway.egress.Egress;
import dev.gatehouse.gateway.egress.EgressBudgets;
import dev.gatehouse.gateway.egress.Provider;
import dev.gatehouse.gateway.egress.ProviderKeys;
import dev.gatehouse.gateway.errors.ErrorBody;
import dev.gatehouse.secrets.SecretValue;
import io.vertx.core.AsyncResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Egress administration (full admin only), under {@code /admin/v1/workspaces/{id}}:
 * <ul>
 *   <li>{@code PUT /provider-keys/{provider}} {@code {"key"}} → 204: seals and stores the
 *       workspace's key for {@code openai} or {@code anthropic}; {@code GET /provider-keys} →
 *       {@code {"keys":[{"provider","updatedAt"}]}} (never a value); {@code DELETE
 *       /provider-keys/{provider}} → 204 / 404.</li>
 *   <li>{@code PUT /budget} and {@code PUT /agents/{agent}/budget} {@code {"window":"1d",
 *       "maxRequests","maxTokens","maxCostMicros"}} (each limit optional, a non-negative integer)
 *       → 204; {@code GET /budgets} → {@code {"budgets":[...]}}; {@code DELETE} of either → 204 / 404.</li>
 *   <li>{@code POST /egress-credentials} {@code {"agent"}} → 201 {@code {"id","agent","credential"}}
 *       (the credential is shown once; the agent's earlier ones are revoked); {@code GET
 *       /egress-credentials} → {@code {"credentials":[{"id","agent","createdAt","revokedAt"}]}};
 *       {@code DELETE /egress-credentials/{id}} → 204 (revoked) / 404.</li>
 * </ul>
 * and {@code GET /admin/v1/egress/usage?workspace=&agent=&since=YYYY-MM-DD} → {@code {"usage":[...]}}
 * per workspace, agent, provider, model and UTC day (default: the last 30 days). An unknown
 * workspace is 404, anything malformed 400 {@code invalid_request}.
 */
public final class EgressRoutes implements AdminRoutes {

  static final String WORKSPACE = AdminApi.PREFIX + "/workspaces/:id";
  static final String USAGE = AdminApi.PREFIX + "/egress/usage";
  /** The query parameters of the usage listing. */
  static final Set<String> USAGE_PARAMETERS = Set.of("workspace", "agent", "since");
  /** Usage listed by default: this many days back. */
  static final int DEFAULT_USAGE_DAYS = 30;
  /** An agent id: what elizaOS uses (UUIDs) and any other runtime's plain ids. */
  static final Pattern AGENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  private static final String FOREIGN_KEY_VIOLATION = "23503";

  private final Egress egress;

  public EgressRoutes(Egress egress) {
    this.egress = egress;
  }

  @Override
  public void mount(Router router) {
    router.put(WORKSPACE + "/provider-keys/:provider").handler(this::putKey);
    router.get(WORKSPACE + "/provider-keys").handler(this::listKeys);
    router.delete(WORKSPACE + "/provider-keys/:provider").handler(this::deleteKey);
    router.put(WORKSPACE + "/budget").handler(ctx -> putBudget(ctx, EgressBudgets.WORKSPACE_SCOPE));
    router.put(WORKSPACE + "/agents/:agent/budget").handler(ctx -> putBudget(ctx, ctx.pathParam("agent")));
    router.get(WORKSPACE + "/budgets").handler(this::listBudgets);
    router.delete(WORKSPACE + "/budget").handler(ctx -> deleteBudget(ctx, EgressBudgets.WORKSPACE_SCOPE));
    router.delete(WORKSPACE + "/agents/:agent/budget").handler(ctx -> deleteBudget(ctx, ctx.pathParam("agent")));
    router.post(WORKSPACE + "/egress-credentials").handler(this::issue);
    router.get(WORKSPACE + "/egress-credentials").handler(this::listCredentials);
    router.delete(WORKSPACE + "/egress-credentials/:credential").handler(this::revoke);
    router.get(USAGE).handler(this::usage);
  }

  private void putKey(RoutingContext ctx) {
    Optional<UUID> workspace = workspace(ctx);
    if (workspace.isEmpty()) {
      return;
    }
    Optional<Provider> provider = Provider.fromId(ctx.pathParam("provider"));
    Optional<JsonObject> body = AdminReplies.body(ctx);
    Object key = body.map(b -> b.getValue("key")).orElse(null);
    if (provider.isEmpty() || body.map(b -> !Set.of("key").containsAll(b.fieldNames())).orElse(true)
        || !(key instanceof String text) || !ProviderKeys.acceptable(text)) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    SecretValue secret = SecretValue.ofUtf8(text);
    egress.keys().put(workspace.get(), provider.get(), secret).onComplete(done -> {
      secret.close();
      noContent(ctx, done.map(true));
    });
  }

  private void listKeys(RoutingContext ctx) {
    workspace(ctx).ifPresent(id -> egress.keys().list(id).onComplete(done -> listed(ctx, "keys", done)));
  }

  private void deleteKey(RoutingContext ctx) {
    Optional<UUID> workspace = workspace(ctx);
    if (workspace.isEmpty()) {
      return;
    }
    Optional<Provider> provider = Provider.fromId(ctx.pathParam("provider"));
    if (provider.isEmpty()) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      return;
    }
    egress.keys().delete(workspace.get(), provider.get()).onComplete(done -> AdminReplies.removed(ctx, done));
  }

  private void putBudget(RoutingContext ctx, String agent) {
    Optional<UUID> workspace = workspace(ctx);
    if (workspace.isEmpty()) {
      return;
    }
    Optional<JsonObject> body = AdminReplies.body(ctx);
    Optional<Duration> window = body.flatMap(b -> DurationText.of(b.getValue("window")))
        .filter(d -> d.toSeconds() > 0 && d.compareTo(EgressBudgets.MAX_WINDOW) <= 0);
    boolean known = body.map(b -> Set.of("window", "maxRequests", "maxTokens", "maxCostMicros")
        .containsAll(b.fieldNames())).orElse(false);
    if (!known || window.isEmpty() || !agentOk(agent)) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    try {
      EgressBudgets.Budget budget = new EgressBudgets.Budget(workspace.get(), agent, window.get(),
          limit(body.get(), "maxRequests"), limit(body.get(), "maxTokens"), limit(body.get(), "maxCostMicros"));
      egress.budgets().put(budget).onComplete(done -> noContent(ctx, done.map(true)));
    } catch (IllegalArgumentException e) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
    }
  }

  private void listBudgets(RoutingContext ctx) {
    workspace(ctx).ifPresent(id -> egress.budgets().list(id).onComplete(done -> listed(ctx, "budgets", done)));
  }

  private void deleteBudget(RoutingContext ctx, String agent) {
    Optional<UUID> workspace = workspace(ctx);
    if (workspace.isEmpty()) {
      return;
    }
    if (!agentOk(agent)) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
      return;
    }
    egress.budgets().delete(workspace.get(), agent).onComplete(done -> AdminReplies.removed(ctx, done));
  }

  private void issue(RoutingContext ctx) {
    Optional<UUID> workspace = workspace(ctx);
    if (workspace.isEmpty()) {
      return;
    }
    Optional<JsonObject> body = AdminReplies.body(ctx);
    Object agent = body.map(b -> b.getValue("agent")).orElse(null);
    if (body.map(b -> !Set.of("agent").containsAll(b.fieldNames())).orElse(true)
        || !(agent instanceof String id) || !AGENT.matcher(id).matches()) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    egress.credentials().issue(workspace.get(), id).onComplete(done -> {
      if (done.failed()) {
        failed(ctx, done.cause());
      } else {
        AdminReplies.json(ctx, 201, new JsonObject().put("id", done.result().publicId()).put("agent", id)
            .put("credential", done.result().reveal()));
      }
    });
  }

  private void listCredentials(RoutingContext ctx) {
    workspace(ctx).ifPresent(id -> egress.credentials().list(id).onComplete(done -> listed(ctx, "credentials", done)));
  }

  private void revoke(RoutingContext ctx) {
    workspace(ctx).ifPresent(id -> egress.credentials().revoke(id, ctx.pathParam("credential"))
        .onComplete(done -> AdminReplies.removed(ctx, done)));
  }

  private void usage(RoutingContext ctx) {
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    if (!access.full()) {
      AdminReplies.error(ctx, ErrorBody.FORBIDDEN);
      return;
    }
    if (!USAGE_PARAMETERS.containsAll(ctx.queryParams().names())) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    String workspaceText = ctx.queryParams().get("workspace");
    String agent = ctx.queryParams().get("agent");
    String since = ctx.queryParams().get("since");
    Optional<UUID> workspace = AdminReplies.uuid(workspaceText);
    Instant from;
    try {
      from = since == null ? LocalDate.now(ZoneOffset.UTC).minusDays(DEFAULT_USAGE_DAYS).atStartOfDay().toInstant(ZoneOffset.UTC)
          : LocalDate.parse(since).atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    if (workspaceText != null && workspace.isEmpty() || agent != null && !agentOk(agent)) {
      AdminReplies.refuse(ctx, 400, "invalid_request");
      return;
    }
    egress.budgets().usage(workspace, Optional.ofNullable(agent), from).onComplete(done -> listed(ctx, "usage", done));
  }

  private static OptionalLong limit(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return OptionalLong.empty();
    }
    if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() >= 0) {
      return OptionalLong.of(((Number) value).longValue());
    }
    throw new IllegalArgumentException(field);
  }

  private static boolean agentOk(String agent) {
    return agent.isEmpty() || AGENT.matcher(agent).matches();
  }

  /** The workspace of the path for a full admin; otherwise answers (403, 404) and returns empty. */
  private static Optional<UUID> workspace(RoutingContext ctx) {
    AdminAuthenticator.Access access = ctx.get(AdminAuthenticator.ACCESS);
    if (!access.full()) {
      AdminReplies.error(ctx, ErrorBody.FORBIDDEN);
      return Optional.empty();
    }
    Optional<UUID> id = AdminReplies.uuid(ctx.pathParam("id"));
    if (id.isEmpty()) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
    }
    return id;
  }

  private static void listed(RoutingContext ctx, String field, AsyncResult<JsonArray> done) {
    if (done.failed()) {
      AdminReplies.unavailable(ctx, done.cause());
    } else {
      AdminReplies.json(ctx, 200, new JsonObject().put(field, done.result()));
    }
  }

  private static void noContent(RoutingContext ctx, AsyncResult<Boolean> done) {
    if (done.failed()) {
      failed(ctx, done.cause());
    } else {
      ctx.response().setStatusCode(204).end();
    }
  }

  /** An unknown workspace (foreign key) is 404; any other failure the generic 503. */
  private static void failed(RoutingContext ctx, Throwable failure) {
    if (failure instanceof PgException pg && FOREIGN_KEY_VIOLATION.equals(pg.getSqlState())) {
      AdminReplies.error(ctx, ErrorBody.NOT_FOUND);
    } else {
      AdminReplies.unavailable(ctx, failure);
    }
  }
}
