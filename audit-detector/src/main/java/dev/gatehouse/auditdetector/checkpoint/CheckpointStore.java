package dev.gatehouse.auditdetector.checkpoint;

import dev.gatehouse.auditdetector.chain.ChainHash;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Stores and loads signed checkpoints ({@code audit_checkpoints}). Failures are failed futures.
 */
public final class CheckpointStore {

  private static final String INSERT = "INSERT INTO audit_checkpoints "
      + "(node_id, seq, hash, created_at, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6) "
      + "ON CONFLICT DO NOTHING";
  private static final String SELECT_RANGE = "SELECT node_id, seq, hash, created_at, key_id, signature "
      + "FROM audit_checkpoints WHERE node_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq";

  private final Pool pool;

  /** Uses {@code pool}; the caller owns and closes it. */
  public CheckpointStore(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  /** Stores a checkpoint; storing one already present for (node, seq) is a no-op. */
  public Future<Void> insert(Checkpoint checkpoint) {
    return pool.preparedQuery(INSERT).execute(Tuple.of(
            checkpoint.nodeId(), checkpoint.seq(), Buffer.buffer(checkpoint.hash().bytes()),
            checkpoint.createdAt().atOffset(ZoneOffset.UTC), checkpoint.keyId(),
            Buffer.buffer(checkpoint.signature())))
        .mapEmpty();
  }

  /** Checkpoints of {@code nodeId} with {@code fromSeq <= seq <= toSeq}, in sequence order. */
  public Future<List<Checkpoint>> load(String nodeId, long fromSeq, long toSeq) {
    return pool.preparedQuery(SELECT_RANGE).execute(Tuple.of(nodeId, fromSeq, toSeq)).map(rows -> {
      List<Checkpoint> checkpoints = new ArrayList<>(rows.size());
      for (Row row : rows) {
        checkpoints.add(new Checkpoint(row.getString("node_id"), row.getLong("seq"),
            ChainHash.of(row.getBuffer("hash").getBytes()), row.getOffsetDateTime("created_at").toInstant(),
            row.getString("key_id"), row.getBuffer("signature").getBytes()));
      }
      return checkpoints;
    });
  }
}
