package dev.gatehouse.gateway.token;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What is stored about an issued token: everything except the token itself. */
public record TokenRecord(String jti, String workspaceId, String subject, List<String> scopes,
    Optional<String> description, Instant issuedAt, Instant expiresAt, Optional<Instant> revokedAt,
    Optional<String> revokeReason) {

  static final String COLUMNS =
      "jti, workspace_id::text AS workspace_id, subject, scopes, description, issued_at, expires_at, "
          + "revoked_at, revoke_reason";

  static TokenRecord fromRow(Row row) {
    return new TokenRecord(row.getString("jti"), row.getString("workspace_id"), row.getString("subject"),
        List.copyOf(Arrays.asList(row.getArrayOfStrings("scopes"))),
        Optional.ofNullable(row.getString("description")),
        row.getOffsetDateTime("issued_at").toInstant(), row.getOffsetDateTime("expires_at").toInstant(),
        Optional.ofNullable(row.getOffsetDateTime("revoked_at")).map(t -> t.toInstant()),
        Optional.ofNullable(row.getString("revoke_reason")));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("jti", jti)
        .put("workspace", workspaceId)
        .put("subject", subject)
        .put("scopes", new JsonArray(scopes))
        .put("issuedAt", issuedAt.toString())
        .put("expiresAt", expiresAt.toString())
        .put("status", revokedAt.isPresent() ? "revoked" : "issued");
    description.ifPresent(d -> json.put("description", d));
    revokedAt.ifPresent(t -> json.put("revokedAt", t.toString()));
    revokeReason.ifPresent(r -> json.put("revokeReason", r));
    return json;
  }
}
