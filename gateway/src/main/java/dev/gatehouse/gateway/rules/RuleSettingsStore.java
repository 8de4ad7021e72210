package dev.gatehouse.gateway.rules;

import dev.gatehouse.gateway.store.ChangeFeed;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code rule_settings} table: operators' switches and threshold overrides for detection
 * rules. Every change is announced on the change feed ({@link #FEED_MESSAGE}) in the transaction
 * that makes it, so every node applies it when it is committed. Database errors are failed futures.
 */
public final class RuleSettingsStore {

  /** Change-feed message announcing a rule setting change. */
  public static final String FEED_MESSAGE = "rules";

  private static final String SELECT_ALL =
      "SELECT rule_id, enabled, threshold, updated_by, updated_at FROM rule_settings";
  private static final String SET_ENABLED = "INSERT INTO rule_settings (rule_id, enabled, updated_by, updated_at) "
      + "VALUES ($1, $2, $3, now()) ON CONFLICT (rule_id) DO UPDATE SET enabled = EXCLUDED.enabled, "
      + "updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at "
      + "RETURNING rule_id, enabled, threshold, updated_by, updated_at";
  private static final String SET_THRESHOLD = "INSERT INTO rule_settings (rule_id, threshold, updated_by, updated_at) "
      + "VALUES ($1, $2, $3, now()) ON CONFLICT (rule_id) DO UPDATE SET threshold = EXCLUDED.threshold, "
      + "updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at "
      + "RETURNING rule_id, enabled, threshold, updated_by, updated_at";

  private final Pool pool;

  public RuleSettingsStore(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  /** Every stored setting, by rule id. */
  public Future<Map<String, RuleSetting>> all() {
    return pool.preparedQuery(SELECT_ALL).execute().map(rows -> {
      Map<String, RuleSetting> settings = new HashMap<>();
      rows.forEach(row -> settings.put(row.getString("rule_id"), setting(row)));
      return Map.copyOf(settings);
    });
  }

  /** Switches {@code ruleId} on or off on every node; returns the setting now stored. */
  public Future<RuleSetting> setEnabled(String ruleId, boolean enabled, String actor) {
    return pool.withTransaction(conn -> conn.preparedQuery(SET_ENABLED).execute(Tuple.of(ruleId, enabled, actor))
        .compose(rows -> announce(conn, rows)));
  }

  /** Overrides {@code ruleId}'s threshold on every node, or (null) goes back to the rule's own. */
  public Future<RuleSetting> setThreshold(String ruleId, Long threshold, String actor) {
    return pool.withTransaction(conn -> conn.preparedQuery(SET_THRESHOLD).execute(Tuple.of(ruleId, threshold, actor))
        .compose(rows -> announce(conn, rows)));
  }

  /** Announces the change on the feed, in the transaction that made it; the stored setting. */
  private static Future<RuleSetting> announce(SqlConnection conn, RowSet<Row> rows) {
    return ChangeFeed.publish(conn, FEED_MESSAGE).map(setting(rows.iterator().next()));
  }

  private static RuleSetting setting(Row row) {
    return new RuleSetting(row.getString("rule_id"), row.getBoolean("enabled"), row.getLong("threshold"),
        row.getString("updated_by"), row.getOffsetDateTime("updated_at").toInstant());
  }
}
