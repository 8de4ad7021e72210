package dev.gatehouse.auditdetector.store;

/**
 * Where the audit trail's database schema comes from. The composition root runs the migrations
 * with Flyway before starting any audit component:
 *
 * <pre>{@code
 * Flyway.configure().dataSource(dataSource)
 *     .locations(AuditSchema.MIGRATION_LOCATION)
 *     .table(AuditSchema.HISTORY_TABLE)
 *     .baselineOnMigrate(true).baselineVersion(AuditSchema.BASELINE_VERSION)
 *     .load().migrate();
 * }</pre>
 *
 * <p>The baseline settings are needed only when other modules' migrations share the schema
 * (Flyway refuses a non-empty schema without its own history table); baseline version 0 keeps
 * every audit migration applied.
 *
 * <p>Objects created: table {@value #EVENTS_TABLE} (range-partitioned by UTC day, partitions
 * {@code audit_events_pYYYYMMDD} plus a default partition), table {@value #CHECKPOINTS_TABLE},
 * and the functions {@code audit_ensure_partition(date)} and
 * {@code audit_drop_partitions_before(date)} used by the retention job.
 */
public final class AuditSchema {

  /** Flyway location of the audit migrations. */
  public static final String MIGRATION_LOCATION = "classpath:db/migration/audit";
  /** Flyway history table of the audit migrations. */
  public static final String HISTORY_TABLE = "flyway_history_audit";
  /** Flyway baseline version to use when the schema already holds other modules' tables. */
  public static final String BASELINE_VERSION = "0";
  /** Partitioned table with one row per audit event. */
  public static final String EVENTS_TABLE = "audit_events";
  /** Table of signed checkpoints. */
  public static final String CHECKPOINTS_TABLE = "audit_checkpoints";

  private AuditSchema() {
  }
}
