package dev.gatehouse.gateway.store;

import dev.gatehouse.gateway.tls.DatabaseTls;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the database schema up to date with Flyway, one {@link MigrationSet} after the other.
 * Blocking: call off the event loop. Fails if a migration fails or an applied migration was
 * edited (checksum mismatch); a database newer than this build is refused by Flyway too.
 */
final class SchemaMigrator {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

  private SchemaMigrator() {}

  /** Migrates over JDBC with the same TLS settings as the gateway's other connections. */
  static void migrate(ConnectionInfo db, DatabaseTls tls, List<MigrationSet> sets) {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setServerNames(new String[] {db.host().contains(":") ? "[" + db.host() + "]" : db.host()});
    source.setPortNumbers(new int[] {db.port()});
    source.setDatabaseName(db.database());
    source.setUser(db.user());
    source.setPassword(db.password());
    tls.applyTo(source);
    for (MigrationSet set : sets) {
      var result = Flyway.configure()
          .dataSource(source)
          .locations(set.location())
          .table(set.historyTable())
          // Several modules share the schema, so a module's history may start in a non-empty one.
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
      if (result.migrationsExecuted > 0) {
        LOG.info("schema migrated: module={} applied={} version={}", set.module(),
            result.migrationsExecuted, result.targetSchemaVersion);
      }
    }
  }
}
