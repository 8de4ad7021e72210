package dev.gatehouse.auditdetector.alert;

import dev.gatehouse.auditdetector.detect.Finding;
import dev.gatehouse.auditdetector.rules.EventRef;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code alerts}, {@code alert_history}, {@code alert_suppressions} and
 * {@code detector_cursors} tables (audit migration V2).
 *
 * <p><b>Guarantees.</b> One alert per (rule, entity) while it is not resolved: a finding for a
 * pair with an open or acknowledged alert raises its count, moves its last-seen time and adds
 * evidence (at most {@link #MAX_EVIDENCE} references, the first ones kept). A finding matched by
 * an active suppression opens nothing and is counted on the suppression. {@link #record} stores a
 * batch of findings and the detector's read position in one transaction, so after a restart no
 * stored finding is stored again. Every status change is written to {@code alert_history} with
 * its actor in the same transaction. Database failures are failed futures.
 */
public final class AlertStore {

  /** Evidence references kept per alert: {@value}. */
  public static final int MAX_EVIDENCE = 50;
  /** Largest page of {@link #list}: {@value}. */
  public static final int MAX_LIMIT = 500;
  /** Page size when none is asked for: {@value}. */
  public static final int DEFAULT_LIMIT = 50;
  /** Longest note on a status change: {@value} characters. */
  public static final int MAX_NOTE = 1_000;
  /** The actor recorded for the detector's own changes. */
  public static final String DETECTOR = "detector";
  /** History action of an assignment; its note names the assignee. */
  public static final String ASSIGNED = "assigned";
  /** Longest assignee name. */
  public static final int MAX_ASSIGNEE = 200;

  private static final String COLUMNS = "id, rule_id, rule_version, title, severity, attack, runbook, entity, "
      + "workspace, status, disposition, count, first_seen, last_seen, created_at, updated_at, evidence, responses, "
      + "(SELECT h.note FROM alert_history h WHERE h.alert_id = alerts.id AND h.action = '" + ASSIGNED
      + "' ORDER BY h.id DESC LIMIT 1) AS assignee";

  private final Pool pool;

  public AlertStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Stores findings and, in the same transaction, the read position per node ({@code cursors},
   * every event up to that sequence number evaluated).
   */
  public Future<List<Raised>> record(List<Finding> findings, Map<String, Long> cursors) {
    return pool.withTransaction(conn -> {
      List<Raised> raised = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (Finding finding : findings) {
        chain = chain.compose(v -> store(conn, finding).map(r -> {
          raised.add(r);
          return null;
        }));
      }
      for (Map.Entry<String, Long> cursor : cursors.entrySet()) {
        chain = chain.compose(v -> conn.preparedQuery("INSERT INTO detector_cursors (node_id, seq) VALUES ($1, $2) "
                + "ON CONFLICT (node_id) DO UPDATE SET seq = GREATEST(detector_cursors.seq, EXCLUDED.seq), "
                + "updated_at = now()")
            .execute(Tuple.of(cursor.getKey(), cursor.getValue())).mapEmpty());
      }
      return chain.map(v -> List.copyOf(raised));
    });
  }

  /** The stored read position per node. */
  public Future<Map<String, Long>> cursors() {
    return pool.query("SELECT node_id, seq FROM detector_cursors").execute().map(rows -> {
      Map<String, Long> cursors = new HashMap<>();
      rows.forEach(row -> cursors.put(row.getString("node_id"), row.getLong("seq")));
      return cursors;
    });
  }

  private static Future<Raised> store(SqlClient conn, Finding finding) {
    return conn.preparedQuery("UPDATE alert_suppressions SET hits = hits + 1, last_hit = now() WHERE id = ("
            + "SELECT id FROM alert_suppressions WHERE rule_id = $1 AND expires_at > now() "
            + "AND (entity IS NULL OR entity = $2) AND (workspace IS NULL OR workspace = $3) "
            + "ORDER BY expires_at DESC LIMIT 1) RETURNING id")
        .execute(Tuple.of(finding.ruleId(), finding.entity(), finding.workspace()))
        .compose(suppressed -> {
          if (suppressed.rowCount() == 1) {
            return Future.succeededFuture(new Raised(finding, null, false, suppressed.iterator().next().getUUID("id")));
          }
          return upsert(conn, finding);
        });
  }

  private static Future<Raised> upsert(SqlClient conn, Finding finding) {
    JsonArray evidence = new JsonArray();
    finding.evidence().forEach(ref -> evidence.add(reference(ref)));
    Tuple row = Tuple.of(UUID.randomUUID(), finding.ruleId(), finding.ruleVersion(), finding.title(),
            finding.severity().wireName(), finding.attackTechnique(), finding.runbook(), finding.entity())
        .addValue(finding.workspace())
        .addValue(utc(finding.firstEventTime()))
        .addValue(utc(finding.lastEventTime()))
        .addValue(evidence);
    return conn.preparedQuery("INSERT INTO alerts (id, rule_id, rule_version, title, severity, attack, runbook, "
            + "entity, workspace, count, first_seen, last_seen, evidence) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11, $12::jsonb) "
            + "ON CONFLICT (rule_id, entity) WHERE status <> 'resolved' DO UPDATE SET "
            + "count = alerts.count + 1, last_seen = GREATEST(alerts.last_seen, EXCLUDED.last_seen), "
            + "updated_at = now(), evidence = (SELECT jsonb_agg(e ORDER BY n) FROM jsonb_array_elements("
            + "alerts.evidence || EXCLUDED.evidence) WITH ORDINALITY AS t(e, n) WHERE n <= " + MAX_EVIDENCE + ") "
            + "RETURNING id, status, (xmax = 0) AS opened")
        .execute(row)
        .compose(rows -> {
          Row stored = rows.iterator().next();
          UUID id = stored.getUUID("id");
          boolean opened = stored.getBoolean("opened");
          String status = stored.getString("status");
          return history(conn, id, DETECTOR, opened ? "opened" : "updated", opened ? null : status, status, null,
              opened ? null : "finding at " + finding.lastEventTime())
              .map(v -> new Raised(finding, id, opened, null));
        });
  }

  /**
   * One page of alerts, newest first, keyset-paginated on (creation time, id).
   *
   * @throws IllegalArgumentException for a malformed cursor or a limit outside 1..{@value #MAX_LIMIT}
   */
  public Future<AlertPage> list(AlertFilter filter, String cursor, int limit) {
    int size = limit == 0 ? DEFAULT_LIMIT : limit;
    if (size < 1 || size > MAX_LIMIT) {
      throw new IllegalArgumentException("limit out of range");
    }
    Tuple args = Tuple.tuple();
    StringBuilder where = new StringBuilder("TRUE");
    if (filter.status() != null) {
      where.append(" AND status = $").append(add(args, filter.status().wireName()));
    }
    if (filter.ruleId() != null) {
      where.append(" AND rule_id = $").append(add(args, filter.ruleId()));
    }
    if (filter.severity() != null) {
      where.append(" AND severity = $").append(add(args, filter.severity()));
    }
    if (filter.workspace() != null) {
      where.append(" AND workspace = $").append(add(args, filter.workspace()));
    }
    if (filter.from() != null) {
      where.append(" AND created_at >= $").append(add(args, utc(filter.from())));
    }
    if (filter.to() != null) {
      where.append(" AND created_at < $").append(add(args, utc(filter.to())));
    }
    if (cursor != null) {
      Position after = Position.decode(cursor);
      where.append(" AND (created_at, id) < ($").append(add(args, utc(after.createdAt())))
          .append(", $").append(add(args, after.id())).append(')');
    }
    String sql = "SELECT " + COLUMNS + " FROM alerts WHERE " + where + " ORDER BY created_at DESC, id DESC LIMIT "
        + (size + 1);
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      List<JsonObject> alerts = new ArrayList<>();
      Row last = null;
      for (Row row : rows) {
        if (alerts.size() == size) {
          return new AlertPage(alerts, Optional.of(new Position(last.getOffsetDateTime("created_at").toInstant(),
              last.getUUID("id")).encode()));
        }
        alerts.add(toJson(row));
        last = row;
      }
      return new AlertPage(alerts, Optional.empty());
    });
  }

  /** How many alerts there are per status (only {@code workspace}'s when given): open, acknowledged, resolved. */
  public Future<Map<String, Long>> countByStatus(String workspace) {
    return pool.preparedQuery("SELECT status, count(*) AS n FROM alerts WHERE ($1::text IS NULL OR workspace = $1) "
            + "GROUP BY status")
        .execute(Tuple.of(workspace))
        .map(rows -> {
          Map<String, Long> counts = new LinkedHashMap<>();
          for (AlertStatus status : AlertStatus.values()) {
            counts.put(status.wireName(), 0L);
          }
          rows.forEach(row -> counts.put(row.getString("status"), row.getLong("n")));
          return counts;
        });
  }

  /**
   * An alert with its history, oldest change first; empty if there is none with that id (or,
   * when {@code workspace} is given, none in that workspace).
   */
  public Future<Optional<JsonObject>> get(UUID id, String workspace) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM alerts WHERE id = $1 AND ($2::text IS NULL OR workspace = $2)")
        .execute(Tuple.of(id, workspace))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return Future.succeededFuture(Optional.empty());
          }
          JsonObject alert = toJson(rows.iterator().next());
          return pool.preparedQuery("SELECT at, actor, action, from_status, to_status, disposition, note "
                  + "FROM alert_history WHERE alert_id = $1 ORDER BY id").execute(Tuple.of(id))
              .map(history -> {
                JsonArray changes = new JsonArray();
                for (Row change : history) {
                  changes.add(new JsonObject()
                      .put("at", change.getOffsetDateTime("at").toInstant().toString())
                      .put("actor", change.getString("actor"))
                      .put("action", change.getString("action"))
                      .put("fromStatus", change.getString("from_status"))
                      .put("toStatus", change.getString("to_status"))
                      .put("disposition", change.getString("disposition"))
                      .put("note", change.getString("note")));
                }
                return Optional.of(alert.put("history", changes));
              });
        });
  }

  /**
   * Open → acknowledged, by {@code actor}. Empty if there is no such alert (in {@code workspace},
   * when given).
   *
   * @return fails with {@link IllegalStateException} if the alert is not open
   */
  public Future<Optional<JsonObject>> acknowledge(UUID id, String actor, String note, String workspace) {
    return transition(id, workspace, AlertStatus.ACKNOWLEDGED, null, actor, note);
  }

  /**
   * Open or acknowledged → resolved with a disposition, by {@code actor}. Once resolved, a later
   * finding for the same rule and entity opens a new alert.
   *
   * @return fails with {@link IllegalStateException} if the alert is already resolved
   */
  public Future<Optional<JsonObject>> resolve(UUID id, String actor, Disposition disposition, String note,
      String workspace) {
    return transition(id, workspace, AlertStatus.RESOLVED, disposition, actor, note);
  }

  private Future<Optional<JsonObject>> transition(UUID id, String workspace, AlertStatus to, Disposition disposition,
      String actor, String note) {
    if (note != null && note.length() > MAX_NOTE) {
      return Future.failedFuture(new IllegalArgumentException("note too long"));
    }
    return pool.withTransaction(conn -> conn
        .preparedQuery("SELECT status FROM alerts WHERE id = $1 AND ($2::text IS NULL OR workspace = $2) FOR UPDATE")
        .execute(Tuple.of(id, workspace))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return Future.succeededFuture(false);
          }
          AlertStatus from = AlertStatus.fromWireName(rows.iterator().next().getString("status"));
          boolean allowed = to == AlertStatus.ACKNOWLEDGED ? from == AlertStatus.OPEN : from != AlertStatus.RESOLVED;
          if (!allowed) {
            return Future.failedFuture(new IllegalStateException("alert is " + from.wireName()));
          }
          return conn.preparedQuery("UPDATE alerts SET status = $2, disposition = $3, updated_at = now() WHERE id = $1")
              .execute(Tuple.of(id, to.wireName(), disposition == null ? null : disposition.wireName()))
              .compose(v -> history(conn, id, actor, to.wireName(), from.wireName(), to.wireName(),
                  disposition == null ? null : disposition.wireName(), note))
              .map(true);
        }))
        .compose(found -> found ? get(id, workspace) : Future.succeededFuture(Optional.empty()));
  }

  /**
   * Assigns an open or acknowledged alert to {@code assignee} (who works on it), by {@code actor}: a
   * history entry, its status unchanged; the alert's {@code assignee} is the latest one. Empty if
   * there is no such alert (in {@code workspace}, when given).
   *
   * @return fails with {@link IllegalStateException} if the alert is resolved, and with
   *     {@link IllegalArgumentException} for an empty or overlong assignee
   */
  public Future<Optional<JsonObject>> assign(UUID id, String assignee, String actor, String workspace) {
    if (assignee == null || assignee.isBlank() || assignee.length() > MAX_ASSIGNEE) {
      return Future.failedFuture(new IllegalArgumentException("assignee must be 1.." + MAX_ASSIGNEE + " characters"));
    }
    return pool.withTransaction(conn -> conn
        .preparedQuery("SELECT status FROM alerts WHERE id = $1 AND ($2::text IS NULL OR workspace = $2) FOR UPDATE")
        .execute(Tuple.of(id, workspace))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return Future.succeededFuture(false);
          }
          String status = rows.iterator().next().getString("status");
          if (AlertStatus.RESOLVED.wireName().equals(status)) {
            return Future.failedFuture(new IllegalStateException("alert is resolved"));
          }
          return history(conn, id, actor, ASSIGNED, status, status, null, assignee).map(true);
        }))
        .compose(found -> found ? get(id, workspace) : Future.succeededFuture(Optional.empty()));
  }

  /**
   * Adds a response (what was done or suggested, {@code {"action","mode","outcome",...}}) to the
   * alert, with a history entry by {@code actor}.
   */
  public Future<Void> addResponse(UUID id, JsonObject response, String actor) {
    return pool.withTransaction(conn -> conn
        .preparedQuery("UPDATE alerts SET responses = responses || jsonb_build_array($2::jsonb), updated_at = now() "
            + "WHERE id = $1")
        .execute(Tuple.of(id, response))
        .compose(v -> history(conn, id, actor, "response", null, null, null,
            response.getString("action") + " " + response.getString("outcome"))));
  }

  /** Creates a suppression; returns it as listed by {@link #suppressions()}. */
  public Future<JsonObject> suppress(NewSuppression request, Instant now) {
    UUID id = UUID.randomUUID();
    return pool.preparedQuery("INSERT INTO alert_suppressions (id, rule_id, entity, workspace, reason, created_by, "
            + "created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *, expires_at > now() AS active")
        .execute(Tuple.of(id, request.ruleId(), request.entity(), request.workspace(), request.reason(),
            request.createdBy(), utc(now), utc(request.expiresAt(now))))
        .map(rows -> suppressionJson(rows.iterator().next()));
  }

  /** Every suppression, newest first, expired ones included with {@code "active": false}. */
  public Future<List<JsonObject>> suppressions() {
    return pool.query("SELECT *, expires_at > now() AS active FROM alert_suppressions ORDER BY created_at DESC, id")
        .execute().map(rows -> {
          List<JsonObject> all = new ArrayList<>();
          rows.forEach(row -> all.add(suppressionJson(row)));
          return all;
        });
  }

  /** Deletes a suppression; false if there was none. */
  public Future<Boolean> unsuppress(UUID id) {
    return pool.preparedQuery("DELETE FROM alert_suppressions WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1);
  }

  private static Future<Void> history(SqlClient conn, UUID id, String actor, String action, String from, String to,
      String disposition, String note) {
    return conn.preparedQuery("INSERT INTO alert_history (alert_id, actor, action, from_status, to_status, "
            + "disposition, note) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.of(id, actor, action, from, to, disposition, note)).mapEmpty();
  }

  private static JsonObject suppressionJson(Row row) {
    return new JsonObject()
        .put("id", row.getUUID("id").toString())
        .put("rule", row.getString("rule_id"))
        .put("entity", row.getString("entity"))
        .put("workspace", row.getString("workspace"))
        .put("reason", row.getString("reason"))
        .put("createdBy", row.getString("created_by"))
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
        .put("expiresAt", row.getOffsetDateTime("expires_at").toInstant().toString())
        .put("active", row.getBoolean("active"))
        .put("hits", row.getLong("hits"))
        .put("lastHit", row.getOffsetDateTime("last_hit") == null ? null
            : row.getOffsetDateTime("last_hit").toInstant().toString());
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject()
        .put("id", row.getUUID("id").toString())
        .put("rule", row.getString("rule_id"))
        .put("ruleVersion", row.getInteger("rule_version"))
        .put("title", row.getString("title"))
        .put("severity", row.getString("severity"))
        .put("attack", row.getString("attack"))
        .put("runbook", row.getString("runbook"))
        .put("entity", row.getString("entity"))
        .put("workspace", row.getString("workspace"))
        .put("status", row.getString("status"))
        .put("disposition", row.getString("disposition"))
        .put("count", row.getLong("count"))
        .put("firstSeen", row.getOffsetDateTime("first_seen").toInstant().toString())
        .put("lastSeen", row.getOffsetDateTime("last_seen").toInstant().toString())
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
        .put("updatedAt", row.getOffsetDateTime("updated_at").toInstant().toString())
        .put("evidence", jsonArray(row.getValue("evidence")))
        .put("responses", jsonArray(row.getValue("responses")))
        .put("assignee", row.getString("assignee"));
  }

  private static JsonArray jsonArray(Object value) {
    return value instanceof JsonArray array ? array : new JsonArray(String.valueOf(value));
  }

  /** {@code {"node","seq","event_id"}}; node and seq are null for an event without a chain position. */
  static JsonObject reference(EventRef ref) {
    return new JsonObject().put("node", ref.nodeId()).put("seq", ref.nodeId() == null ? null : ref.seq())
        .put("event_id", ref.eventId().toString());
  }

  private static int add(Tuple args, Object value) {
    args.addValue(value);
    return args.size();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  /** Keyset position: the last alert of a page, as an opaque base64url token. */
  private record Position(Instant createdAt, UUID id) {

    private static final int MAX_TOKEN_LENGTH = 256;

    String encode() {
      String json = new JsonObject().put("t", createdAt.toString()).put("i", id.toString()).encode();
      return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static Position decode(String token) {
      if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
        throw new IllegalArgumentException("invalid cursor");
      }
      try {
        JsonObject json = new JsonObject(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
        return new Position(Instant.parse(json.getString("t")), UUID.fromString(json.getString("i")));
      } catch (DecodeException | ClassCastException | NullPointerException | java.time.DateTimeException e) {
        throw new IllegalArgumentException("invalid cursor", e);
      }
    }
  }
}
