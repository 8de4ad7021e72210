package dev.gatehouse.gateway.egress;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Budgets of model calls, shared by every node through PostgreSQL: per workspace (agent
 * {@value #WORKSPACE_SCOPE}) and per agent, a fixed window aligned to the epoch with optional
 * limits on requests, tokens and cost (micro-dollars, from the {@link PriceTable}).
 *
 * <h3>Guarantees</h3>
 * <ul>
 *   <li>{@link #reserve} admits a call only if its worst case fits every budget that applies,
 *       counting settled calls at what they used and unsettled ones at their reservation. The
 *       check and the reservation are one transaction that holds the budget rows ({@code FOR
 *       UPDATE}, workspace row first), so concurrent calls on any number of nodes cannot together
 *       overrun a limit.</li>
 *   <li>A reservation that is never settled (its node stopped) stops counting tokens and cost
 *       when it expires; it still counts as a request.</li>
 *   <li>Any database failure fails the returned future: the caller refuses the call.</li>
 * </ul>
 */
public final class EgressBudgets {

  /** The agent id of a workspace-wide budget. */
  public static final String WORKSPACE_SCOPE = "";
  /** Longest budget window. */
  public static final Duration MAX_WINDOW = Duration.ofDays(366);

  /** One budget; an empty limit does not apply. */
  public record Budget(UUID workspace, String agent, Duration window, OptionalLong maxRequests,
      OptionalLong maxTokens, OptionalLong maxCostMicros) {

    JsonObject toJson() {
      return new JsonObject().put("agent", agent.isEmpty() ? null : agent).put("windowSeconds", window.toSeconds())
          .put("maxRequests", boxed(maxRequests)).put("maxTokens", boxed(maxTokens))
          .put("maxCostMicros", boxed(maxCostMicros));
    }
  }

  /** What a call asks of the budgets: its worst case, and its cost when the model has a price. */
  public record Demand(UUID workspace, String agent, Provider provider, String model, long tokens,
      OptionalLong costMicros, Duration expiresIn) {}

  /** The outcome of {@link #reserve}: the call's id, or the limit it did not fit. */
  public record Admission(Optional<UUID> call, Optional<String> exceeded) {

    static Admission admitted(UUID call) {
      return new Admission(Optional.of(call), Optional.empty());
    }

    static Admission refused(String limit) {
      return new Admission(Optional.empty(), Optional.of(limit));
    }
  }

  private final Pool pool;

  public EgressBudgets(Pool pool) {
    this.pool = pool;
  }

  /** Reserves {@code demand} against every budget that applies, or says which limit it exceeds. */
  public Future<Admission> reserve(Demand demand) {
    return pool.withTransaction(conn -> conn
        .preparedQuery("SELECT agent_id, window_seconds, max_requests, max_tokens, max_cost_micros FROM egress_budgets "
            + "WHERE workspace_id = $1 AND agent_id IN ('', $2) ORDER BY agent_id FOR UPDATE")
        .execute(Tuple.of(demand.workspace(), demand.agent()))
        .compose(rows -> {
          List<Budget> budgets = new ArrayList<>();
          rows.forEach(row -> budgets.add(budget(demand.workspace(), row)));
          return check(conn, demand, budgets, 0);
        })
        .compose(exceeded -> {
          if (exceeded.isPresent()) {
            return Future.succeededFuture(Admission.refused(exceeded.get()));
          }
          UUID id = UUID.randomUUID();
          return conn.preparedQuery("INSERT INTO egress_calls (id, workspace_id, agent_id, provider, model, expires_at, "
                  + "reserved_tokens, reserved_cost_micros) VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6), $7, $8)")
              .execute(Tuple.from(List.of(id, demand.workspace(), demand.agent(), demand.provider().id(), demand.model(),
                  (double) demand.expiresIn().toSeconds(), demand.tokens(), demand.costMicros().orElse(0))))
              .map(Admission.admitted(id));
        }));
  }

  private Future<Optional<String>> check(SqlConnection conn, Demand demand, List<Budget> budgets, int index) {
    if (index == budgets.size()) {
      return Future.succeededFuture(Optional.empty());
    }
    Budget budget = budgets.get(index);
    if (budget.maxCostMicros().isPresent() && demand.costMicros().isEmpty()) {
      return Future.succeededFuture(Optional.of("cost (model has no price)"));
    }
    return conn.preparedQuery("SELECT count(*) AS requests, "
            + "coalesce(sum(CASE WHEN settled_at IS NOT NULL THEN tokens_in + tokens_out "
            + "WHEN expires_at > now() THEN reserved_tokens ELSE 0 END), 0) AS tokens, "
            + "coalesce(sum(CASE WHEN settled_at IS NOT NULL THEN cost_micros "
            + "WHEN expires_at > now() THEN reserved_cost_micros ELSE 0 END), 0) AS cost "
            + "FROM egress_calls WHERE workspace_id = $1 AND ($2 = '' OR agent_id = $2) "
            + "AND started_at >= to_timestamp(floor(extract(epoch FROM now()) / $3) * $3)")
        .execute(Tuple.of(budget.workspace(), budget.agent(), budget.window().toSeconds()))
        .compose(rows -> {
          Row used = rows.iterator().next();
          if (exceeds(budget.maxRequests(), used.getLong("requests"), 1)) {
            return Future.succeededFuture(Optional.of("requests"));
          }
          if (exceeds(budget.maxTokens(), used.getLong("tokens"), demand.tokens())) {
            return Future.succeededFuture(Optional.of("tokens"));
          }
          if (exceeds(budget.maxCostMicros(), used.getLong("cost"), demand.costMicros().orElse(0))) {
            return Future.succeededFuture(Optional.of("cost"));
          }
          return check(conn, demand, budgets, index + 1);
        });
  }

  private static boolean exceeds(OptionalLong limit, long used, long more) {
    return limit.isPresent() && used + more > limit.getAsLong();
  }

  /** Settles call {@code call} on what the provider reported (or what the caller decided it used). */
  public Future<Void> settle(UUID call, int status, long tokensIn, long tokensOut, long costMicros) {
    return pool.preparedQuery("UPDATE egress_calls SET settled_at = now(), status = $2, tokens_in = $3, tokens_out = $4, "
            + "cost_micros = $5 WHERE id = $1 AND settled_at IS NULL")
        .execute(Tuple.of(call, status, tokensIn, tokensOut, costMicros))
        .mapEmpty();
  }

  /** Sets a budget, replacing the scope's earlier one. */
  public Future<Void> put(Budget budget) {
    return pool.preparedQuery("INSERT INTO egress_budgets (workspace_id, agent_id, window_seconds, max_requests, "
            + "max_tokens, max_cost_micros) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id, agent_id) DO "
            + "UPDATE SET window_seconds = $3, max_requests = $4, max_tokens = $5, max_cost_micros = $6, updated_at = now()")
        .execute(Tuple.of(budget.workspace(), budget.agent(), budget.window().toSeconds(), boxed(budget.maxRequests()),
            boxed(budget.maxTokens()), boxed(budget.maxCostMicros())))
        .mapEmpty();
  }

  /** Removes a scope's budget; false if it had none. */
  public Future<Boolean> delete(UUID workspace, String agent) {
    return pool.preparedQuery("DELETE FROM egress_budgets WHERE workspace_id = $1 AND agent_id = $2")
        .execute(Tuple.of(workspace, agent))
        .map(rows -> rows.rowCount() > 0);
  }

  /** The workspace's budgets, the workspace-wide one first ({@code agent} null). */
  public Future<JsonArray> list(UUID workspace) {
    return pool.preparedQuery("SELECT agent_id, window_seconds, max_requests, max_tokens, max_cost_micros "
            + "FROM egress_budgets WHERE workspace_id = $1 ORDER BY agent_id")
        .execute(Tuple.of(workspace))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(row -> out.add(budget(workspace, row).toJson()));
          return out;
        });
  }

  /**
   * Settled usage since {@code since}, per workspace, agent, provider, model and UTC day:
   * {@code [{"day","workspace","agent","provider","model","requests","tokensIn","tokensOut","costMicros"}]}.
   */
  public Future<JsonArray> usage(Optional<UUID> workspace, Optional<String> agent, Instant since) {
    return pool.preparedQuery("SELECT (started_at AT TIME ZONE 'UTC')::date AS day, workspace_id, agent_id, provider, "
            + "model, count(*) AS requests, sum(tokens_in) AS tokens_in, sum(tokens_out) AS tokens_out, "
            + "sum(cost_micros) AS cost_micros FROM egress_calls WHERE settled_at IS NOT NULL "
            + "AND ($1::uuid IS NULL OR workspace_id = $1) AND ($2::text IS NULL OR agent_id = $2) AND started_at >= $3 "
            + "GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5")
        .execute(Tuple.of(workspace.orElse(null), agent.orElse(null), since.atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          JsonArray out = new JsonArray();
          for (Row row : rows) {
            out.add(new JsonObject().put("day", row.getLocalDate("day").toString())
                .put("workspace", row.getUUID("workspace_id").toString()).put("agent", row.getString("agent_id"))
                .put("provider", row.getString("provider")).put("model", row.getString("model"))
                .put("requests", row.getLong("requests")).put("tokensIn", row.getLong("tokens_in"))
                .put("tokensOut", row.getLong("tokens_out")).put("costMicros", row.getLong("cost_micros")));
          }
          return out;
        });
  }

  private static Budget budget(UUID workspace, Row row) {
    return new Budget(workspace, row.getString("agent_id"), Duration.ofSeconds(row.getLong("window_seconds")),
        optional(row.getLong("max_requests")), optional(row.getLong("max_tokens")),
        optional(row.getLong("max_cost_micros")));
  }

  private static OptionalLong optional(Long value) {
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }

  private static Long boxed(OptionalLong value) {
    return value.isPresent() ? value.getAsLong() : null;
  }
}
