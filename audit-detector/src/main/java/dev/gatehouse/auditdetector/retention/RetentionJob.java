package dev.gatehouse.auditdetector.retention;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Keeps the daily partitions of {@code audit_events} in shape: creates the partitions of
 * yesterday, today and the next {@link #DAYS_AHEAD} days (UTC) when missing, and drops every
 * partition whose day lies more than {@code retentionDays} days before today, together with older
 * rows of the default partition and older checkpoints. Today's partition and the
 * {@code retentionDays} days before it are kept.
 *
 * <p>Idempotent and safe to run on several nodes at once (each partition is created or dropped by
 * one statement; a concurrent run fails its statement and the next run finishes the work).
 * Schedule it at start and then periodically, e.g. hourly:
 * <pre>{@code
 * RetentionJob job = new RetentionJob(pool, retentionDays, Clock.systemUTC());
 * job.run();
 * vertx.setPeriodic(RetentionJob.RECOMMENDED_PERIOD.toMillis(), id -> job.run());
 * }</pre>
 * Dropping a partition removes the chain's oldest links; {@code ChainVerifier} then anchors the
 * chain at the oldest event left.
 */
public final class RetentionJob {

  /** Partitions are created this many days ahead of today. */
  public static final int DAYS_AHEAD = 3;
  /** Smallest accepted retention. */
  public static final int MIN_RETENTION_DAYS = 1;
  /** Suggested interval between runs. */
  public static final Duration RECOMMENDED_PERIOD = Duration.ofHours(1);

  private static final String ENSURE = "SELECT audit_ensure_partition($1::date) AS created";
  private static final String DROP = "SELECT audit_drop_partitions_before($1::date) AS dropped";

  private final Pool pool;
  private final int retentionDays;
  private final Clock clock;

  /**
   * @param pool pool with the audit migrations applied; owned by the caller
   * @param retentionDays days of events to keep before today (the gateway's
   *     {@code audit.retentionDays})
   * @param clock source of "today" (evaluated in UTC)
   * @throws IllegalArgumentException if {@code retentionDays < MIN_RETENTION_DAYS}
   */
  public RetentionJob(Pool pool, int retentionDays, Clock clock) {
    if (retentionDays < MIN_RETENTION_DAYS) {
      throw new IllegalArgumentException("retentionDays must be at least " + MIN_RETENTION_DAYS);
    }
    this.pool = Objects.requireNonNull(pool, "pool");
    this.retentionDays = retentionDays;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Runs once: creates upcoming partitions, then drops expired ones. */
  public Future<RetentionReport> run() {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    List<String> created = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int offset = -1; offset <= DAYS_AHEAD; offset++) {
      LocalDate day = today.plusDays(offset);
      chain = chain.compose(v -> pool.preparedQuery(ENSURE).execute(Tuple.of(day)).map(rows -> {
        String name = rows.iterator().next().getString("created");
        if (name != null) {
          created.add(name);
        }
        return null;
      }));
    }
    LocalDate cutoff = today.minusDays(retentionDays);
    return chain.compose(v -> pool.preparedQuery(DROP).execute(Tuple.of(cutoff))).map(rows -> {
      List<String> dropped = new ArrayList<>();
      for (Row row : rows) {
        dropped.add(row.getString("dropped"));
      }
      return new RetentionReport(created, dropped);
    });
  }
}
