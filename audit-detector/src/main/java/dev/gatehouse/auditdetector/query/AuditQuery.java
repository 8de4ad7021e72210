package dev.gatehouse.auditdetector.query;

import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.store.AuditRows;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Searches and exports stored audit events.
 *
 * <p>{@link #search} returns pages newest first with keyset pagination over
 * {@code (ts, node_id, seq)}: a page costs the same wherever it is in the result, and events
 * recorded meanwhile never shift or repeat later pages. {@link #export} streams the matching
 * events oldest first as JSON lines, honouring the output's back-pressure.
 *
 * <p>Every event is returned as its schema document. A stored row that is not a valid event
 * (altered in the database) fails the call with {@link IllegalArgumentException}; run
 * {@code ChainVerifier} to locate it. Database errors are failed futures.
 */
public final class AuditQuery {

  /** Page size used when the caller asks for none (0). */
  public static final int DEFAULT_LIMIT = 100;
  /** Largest page size accepted. */
  public static final int MAX_LIMIT = 1_000;
  /** Rows fetched per query while exporting. */
  public static final int EXPORT_PAGE_SIZE = 1_000;

  private static final Buffer NEWLINE = Buffer.buffer("\n");

  private final Pool pool;

  /** Uses {@code pool}; the caller owns and closes it. */
  public AuditQuery(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  /**
   * One page of events matching {@code filter}, newest first.
   *
   * @param cursor {@link AuditPage#nextCursor()} of the previous page, or null for the first
   * @param limit page size, 1..{@link #MAX_LIMIT}, or 0 for {@link #DEFAULT_LIMIT}
   * @throws IllegalArgumentException if the cursor is malformed or the limit out of range
   */
  public Future<AuditPage> search(AuditFilter filter, String cursor, int limit) {
    Objects.requireNonNull(filter, "filter");
    if (limit < 0 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 0 and " + MAX_LIMIT);
    }
    int pageSize = limit == 0 ? DEFAULT_LIMIT : limit;
    AuditCursor position = cursor == null ? null : AuditCursor.decode(cursor);
    return page(filter, position, pageSize + 1, true).map(events -> {
      boolean more = events.size() > pageSize;
      List<ChainedEvent> shown = more ? events.subList(0, pageSize) : events;
      List<JsonObject> json = new ArrayList<>(shown.size());
      shown.forEach(event -> json.add(event.toJson()));
      Optional<String> next = more ? Optional.of(AuditCursor.after(shown.get(shown.size() - 1)).encode())
          : Optional.empty();
      return new AuditPage(json, next);
    });
  }

  /**
   * Writes every event matching {@code filter} to {@code out}, oldest first, one JSON document
   * per line. Does not end or close {@code out}.
   *
   * @return the number of events written
   */
  public Future<Long> export(AuditFilter filter, WriteStream<Buffer> out) {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(out, "out");
    return exportFrom(filter, null, out, 0);
  }

  private Future<Long> exportFrom(AuditFilter filter, AuditCursor position, WriteStream<Buffer> out, long written) {
    return page(filter, position, EXPORT_PAGE_SIZE, false).compose(events -> {
      if (events.isEmpty()) {
        return Future.succeededFuture(written);
      }
      Future<Void> lastWrite = Future.succeededFuture();
      for (ChainedEvent event : events) {
        lastWrite = out.write(event.toJson().toBuffer().appendBuffer(NEWLINE));
      }
      long total = written + events.size();
      if (events.size() < EXPORT_PAGE_SIZE) {
        return lastWrite.map(total);
      }
      AuditCursor next = AuditCursor.after(events.get(events.size() - 1));
      return lastWrite.compose(v -> exportFrom(filter, next, out, total));
    });
  }

  private Future<List<ChainedEvent>> page(AuditFilter filter, AuditCursor position, int rows, boolean newestFirst) {
    StringBuilder sql = new StringBuilder("SELECT ").append(AuditRows.COLUMNS).append(" FROM audit_events WHERE true");
    Tuple params = Tuple.tuple();
    condition(sql, params, "workspace", filter.workspace());
    condition(sql, params, "subject", filter.subject());
    condition(sql, params, "jti", filter.tokenId());
    condition(sql, params, "decision", filter.decision() == null ? null : filter.decision().wireName());
    condition(sql, params, "route_id", filter.routeId());
    condition(sql, params, "status", filter.status());
    condition(sql, params, "client_address", filter.clientAddress());
    condition(sql, params, "reason_key", filter.reasonKey());
    condition(sql, params, "request_id", filter.requestId());
    condition(sql, params, "event_id", filter.eventId());
    condition(sql, params, "node_id", filter.nodeId());
    condition(sql, params, "seq", filter.seq());
    if (filter.from() != null) {
      params.addValue(utc(filter.from()));
      sql.append(" AND ts >= $").append(params.size());
    }
    if (filter.to() != null) {
      params.addValue(utc(filter.to()));
      sql.append(" AND ts < $").append(params.size());
    }
    if (position != null) {
      params.addValue(utc(position.timestamp())).addValue(position.nodeId()).addValue(position.seq());
      int n = params.size();
      sql.append(" AND (ts, node_id, seq) ").append(newestFirst ? "<" : ">")
          .append(" ($").append(n - 2).append(", $").append(n - 1).append(", $").append(n).append(")");
    }
    String direction = newestFirst ? " DESC" : "";
    sql.append(" ORDER BY ts").append(direction).append(", node_id").append(direction)
        .append(", seq").append(direction);
    params.addValue(rows);
    sql.append(" LIMIT $").append(params.size());
    return pool.preparedQuery(sql.toString()).execute(params).map(AuditQuery::events);
  }

  private static List<ChainedEvent> events(RowSet<Row> rows) {
    List<ChainedEvent> events = new ArrayList<>(rows.size());
    for (Row row : rows) {
      events.add(AuditRows.toEvent(row));
    }
    return events;
  }

  private static void condition(StringBuilder sql, Tuple params, String column, Object value) {
    if (value != null) {
      params.addValue(value);
      sql.append(" AND ").append(column).append(" = $").append(params.size());
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
