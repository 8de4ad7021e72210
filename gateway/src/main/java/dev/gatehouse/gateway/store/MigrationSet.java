package dev.gatehouse.gateway.store;

/**
 * One module's versioned SQL migrations: a Flyway location and the history table that records
 * which of them ran. Each module keeps its own history, so modules version their schemas
 * independently inside one database.
 */
public record MigrationSet(String module, String location, String historyTable) {

  /** The gateway's own tables (admin credentials, ...). */
  public static final MigrationSet GATEWAY =
      new MigrationSet("gateway", "classpath:db/migration/gateway", "flyway_history_gateway");
}
