package dev.gatehouse.auditdetector.store;

import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.chain.ChainHead;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.event.AuditEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes chained events to {@code audit_events} and reads a node's chain head.
 *
 * <p>A batch (or slice of one) is one statement, {@code INSERT ... SELECT FROM unnest(<one array
 * per column>)}: atomic, one round trip and one plan whatever its size. Fresh events are inserted
 * plainly; events that may already be stored (a replay after a failed or timed-out insert) go
 * through {@link #replay}, which adds {@code ON CONFLICT DO NOTHING}. The conflict check roughly
 * doubles PostgreSQL's per-row cost, which is why it is not used for fresh events. Failures are
 * failed futures; nothing here retries.
 */
public final class EventStore {

  private static final String INSERT = "INSERT INTO audit_events (" + AuditRows.COLUMNS + ") "
      + "SELECT $1, u.seq, u.ts, u.event_id, u.kind, u.request_id, u.decision, u.reason_key, u.status, "
      + "u.subject, u.workspace, u.jti, u.client_address, u.user_agent, u.method, u.route_id, "
      + "u.path_template, u.resource_ids::jsonb, u.message_type, u.latency_us, u.bytes_in, u.bytes_out, "
      + "u.prev_hash, u.hash, u.trace_id, u.agent, u.provider, u.model, u.tokens_in, u.tokens_out, "
      + "u.cost_micros "
      + "FROM unnest($2::int8[], $3::timestamptz[], $4::uuid[], $5::text[], $6::text[], $7::text[], "
      + "$8::text[], $9::int4[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], "
      + "$15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::int8[], $21::int8[], "
      + "$22::int8[], $23::bytea[], $24::bytea[], $25::text[], $26::text[], $27::text[], $28::text[], "
      + "$29::int8[], $30::int8[], $31::int8[]) "
      + "AS u(seq, ts, event_id, kind, request_id, decision, reason_key, status, subject, workspace, "
      + "jti, client_address, user_agent, method, route_id, path_template, resource_ids, message_type, "
      + "latency_us, bytes_in, bytes_out, prev_hash, hash, trace_id, agent, provider, model, tokens_in, "
      + "tokens_out, cost_micros)";
  private static final String INSERT_SKIPPING_STORED = INSERT + " ON CONFLICT DO NOTHING";

  private static final String HEAD =
      "SELECT seq, hash FROM audit_events WHERE node_id = $1 ORDER BY seq DESC LIMIT 1";

  /** Smallest slice worth its own statement when a batch is split for parallel inserts. */
  public static final int MIN_SLICE = 256;

  private final Pool pool;

  /** Uses {@code pool} for every statement; the caller owns and closes the pool. */
  public EventStore(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  /**
   * Inserts fresh events of one node in one statement; fails (inserting nothing) if any of them is
   * already stored.
   *
   * @return the number of rows inserted
   */
  public Future<Integer> insert(List<ChainedEvent> batch) {
    return execute(INSERT, batch);
  }

  /**
   * Inserts fresh events as {@code parallelism} contiguous slices, each one statement on its own
   * pool connection, concurrently. Succeeds when every slice succeeded; when one fails, others may
   * have committed, so the caller must {@link #replay} the whole batch.
   *
   * @return the number of rows inserted
   */
  public Future<Integer> insert(List<ChainedEvent> batch, int parallelism) {
    return sliced(INSERT, batch, parallelism);
  }

  /**
   * Inserts events that may already be stored, skipping those that are, as {@code parallelism}
   * concurrent slices (see {@link #insert(List, int)}).
   *
   * @return the number of rows inserted (skipped events are not counted)
   */
  public Future<Integer> replay(List<ChainedEvent> batch, int parallelism) {
    return sliced(INSERT_SKIPPING_STORED, batch, parallelism);
  }

  private Future<Integer> sliced(String sql, List<ChainedEvent> batch, int parallelism) {
    int slices = Math.max(1, Math.min(parallelism, batch.size() / MIN_SLICE));
    if (slices == 1) {
      return execute(sql, batch);
    }
    List<Future<Integer>> inserts = new ArrayList<>(slices);
    int size = batch.size();
    for (int i = 0; i < slices; i++) {
      inserts.add(execute(sql, batch.subList(i * size / slices, (i + 1) * size / slices)));
    }
    return Future.all(inserts).map(all -> {
      int inserted = 0;
      for (Future<Integer> insert : inserts) {
        inserted += insert.result();
      }
      return inserted;
    });
  }

  private Future<Integer> execute(String sql, List<ChainedEvent> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return pool.preparedQuery(sql).execute(toColumns(batch)).map(RowSet::rowCount);
  }

  /** The last stored link of {@code nodeId}'s chain, or {@link ChainHead#EMPTY}. */
  public Future<ChainHead> head(String nodeId) {
    return pool.preparedQuery(HEAD).execute(Tuple.of(nodeId)).map(rows -> {
      Optional<Row> last = rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next());
      return last.map(row -> new ChainHead(row.getLong("seq"), ChainHash.of(row.getBuffer("hash").getBytes())))
          .orElse(ChainHead.EMPTY);
    });
  }

  /** Succeeds when the database answers a trivial query. */
  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  private static Tuple toColumns(List<ChainedEvent> batch) {
    int n = batch.size();
    String nodeId = batch.get(0).nodeId();
    Long[] seq = new Long[n];
    OffsetDateTime[] ts = new OffsetDateTime[n];
    UUID[] eventId = new UUID[n];
    String[] kind = new String[n];
    String[] requestId = new String[n];
    String[] decision = new String[n];
    String[] reasonKey = new String[n];
    Integer[] status = new Integer[n];
    String[] subject = new String[n];
    String[] workspace = new String[n];
    String[] jti = new String[n];
    String[] clientAddress = new String[n];
    String[] userAgent = new String[n];
    String[] method = new String[n];
    String[] routeId = new String[n];
    String[] pathTemplate = new String[n];
    String[] resourceIds = new String[n];
    String[] messageType = new String[n];
    Long[] latency = new Long[n];
    Long[] bytesIn = new Long[n];
    Long[] bytesOut = new Long[n];
    Buffer[] prevHash = new Buffer[n];
    Buffer[] hash = new Buffer[n];
    String[] traceId = new String[n];
    String[] agent = new String[n];
    String[] provider = new String[n];
    String[] model = new String[n];
    Long[] tokensIn = new Long[n];
    Long[] tokensOut = new Long[n];
    Long[] costMicros = new Long[n];
    for (int i = 0; i < n; i++) {
      ChainedEvent chained = batch.get(i);
      if (!chained.nodeId().equals(nodeId)) {
        throw new IllegalArgumentException("a batch must hold a single node's events");
      }
      AuditEvent e = chained.event();
      seq[i] = chained.seq();
      ts[i] = e.timestamp().atOffset(ZoneOffset.UTC);
      eventId[i] = e.eventId();
      kind[i] = e.kind().wireName();
      requestId[i] = e.requestId();
      decision[i] = e.decision().wireName();
      reasonKey[i] = e.reasonKey();
      status[i] = e.status();
      subject[i] = e.subject();
      workspace[i] = e.workspace();
      jti[i] = e.tokenId();
      clientAddress[i] = e.clientAddress();
      userAgent[i] = e.userAgent();
      method[i] = e.method();
      routeId[i] = e.routeId();
      pathTemplate[i] = e.pathTemplate();
      JsonObject resources = new JsonObject();
      e.resourceIds().forEach(resources::put);
      resourceIds[i] = resources.encode();
      messageType[i] = e.messageType();
      latency[i] = e.latencyMicros();
      bytesIn[i] = e.bytesIn();
      bytesOut[i] = e.bytesOut();
      prevHash[i] = Buffer.buffer(chained.prevHash().bytes());
      hash[i] = Buffer.buffer(chained.hash().bytes());
      traceId[i] = e.traceId();
      AuditEvent.ModelCall call = e.modelCall();
      if (call != null) {
        agent[i] = call.agent();
        provider[i] = call.provider();
        model[i] = call.model();
        tokensIn[i] = call.tokensIn();
        tokensOut[i] = call.tokensOut();
        costMicros[i] = call.costMicros();
      }
    }
    return Tuple.tuple()
        .addString(nodeId)
        .addValue(seq).addValue(ts).addValue(eventId).addValue(kind).addValue(requestId)
        .addValue(decision).addValue(reasonKey).addValue(status).addValue(subject).addValue(workspace)
        .addValue(jti).addValue(clientAddress).addValue(userAgent).addValue(method).addValue(routeId)
        .addValue(pathTemplate).addValue(resourceIds).addValue(messageType).addValue(latency)
        .addValue(bytesIn).addValue(bytesOut).addValue(prevHash).addValue(hash).addValue(traceId)
        .addValue(agent).addValue(provider).addValue(model).addValue(tokensIn).addValue(tokensOut)
        .addValue(costMicros);
  }
}
