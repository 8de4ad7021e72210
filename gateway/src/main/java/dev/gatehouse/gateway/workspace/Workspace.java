package dev.gatehouse.gateway.workspace;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A tenant: every token belongs to exactly one workspace. A locked workspace keeps its data and
 * tokens, but no token of it is accepted until it is unlocked. A deleted workspace is locked for
 * good: its row stays (its id is named by audit events, tokens and ownership, and never reused).
 */
public record Workspace(UUID id, String name, String status, Instant createdAt, Optional<Instant> lockedAt) {

  public static final String ACTIVE = "active";
  public static final String LOCKED = "locked";
  public static final String DELETED = "deleted";

  /** Names are short identifiers: letters, digits, '_', '.', '-', starting with a letter or digit. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  public static boolean validName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  static Workspace fromRow(Row row) {
    return new Workspace(row.getUUID("id"), row.getString("name"), row.getString("status"),
        row.getOffsetDateTime("created_at").toInstant(),
        Optional.ofNullable(row.getOffsetDateTime("locked_at")).map(t -> t.toInstant()));
  }

  /** No token of it is accepted: locked or deleted. */
  public boolean locked() {
    return !ACTIVE.equals(status);
  }

  public boolean deleted() {
    return DELETED.equals(status);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id.toString())
        .put("name", name)
        .put("status", status)
        .put("createdAt", createdAt.toString());
    lockedAt.ifPresent(t -> json.put("lockedAt", t.toString()));
    return json;
  }
}
