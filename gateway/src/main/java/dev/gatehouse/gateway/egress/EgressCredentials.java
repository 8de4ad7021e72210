package dev.gatehouse.gateway.egress;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/**
 * The agents' egress credentials in PostgreSQL ({@code egress_credentials}). Issuing one for an
 * agent revokes the agent's earlier ones, so an agent holds one live credential.
 *
 * <p>{@link #authenticate} reads the credential and its workspace's status from the database on
 * every call: a revocation or a workspace lock made on any node stops the very next call on every
 * node, without a cache to invalidate (the call reads the database for its budget anyway).
 */
public final class EgressCredentials {

  /** Who a credential speaks for. */
  public record Holder(String publicId, UUID workspace, String agent) {}

  /** What an authentication found: {@code holder} set only when {@code outcome} is {@link Outcome#VALID}. */
  public record Check(Outcome outcome, Optional<Holder> holder) {}

  public enum Outcome {
    VALID(null),
    UNKNOWN(EgressReasons.CREDENTIAL_UNKNOWN),
    REVOKED(EgressReasons.CREDENTIAL_REVOKED),
    LOCKED(EgressReasons.WORKSPACE_LOCKED);

    private final String reason;

    Outcome(String reason) {
      this.reason = reason;
    }

    /** The audit reason key of a refusal. */
    public String reason() {
      return reason;
    }
  }

  private final Pool pool;

  public EgressCredentials(Pool pool) {
    this.pool = pool;
  }

  /** Issues a credential for {@code agent} of {@code workspace}, revoking the agent's earlier ones. */
  public Future<EgressCredential> issue(UUID workspace, String agent) {
    EgressCredential credential = EgressCredential.generate();
    return pool.withTransaction(conn -> conn
        .preparedQuery("UPDATE egress_credentials SET revoked_at = now() "
            + "WHERE workspace_id = $1 AND agent_id = $2 AND revoked_at IS NULL")
        .execute(Tuple.of(workspace, agent))
        .compose(v -> conn.preparedQuery("INSERT INTO egress_credentials (public_id, secret_hash, workspace_id, agent_id) "
            + "VALUES ($1, $2, $3, $4)")
            .execute(Tuple.of(credential.publicId(), io.vertx.core.buffer.Buffer.buffer(credential.hash()), workspace,
                agent))))
        .map(credential);
  }

  /** Looks {@code presented} up; a malformed value is {@link Outcome#UNKNOWN} without a query. */
  public Future<Check> authenticate(String presented) {
    Optional<EgressCredential> credential = EgressCredential.parse(presented);
    if (credential.isEmpty()) {
      return Future.succeededFuture(new Check(Outcome.UNKNOWN, Optional.empty()));
    }
    return pool.preparedQuery("SELECT c.secret_hash, c.workspace_id, c.agent_id, c.revoked_at IS NOT NULL AS revoked, "
            + "w.status FROM egress_credentials c JOIN workspaces w ON w.id = c.workspace_id WHERE c.public_id = $1")
        .execute(Tuple.of(credential.get().publicId()))
        .map(rows -> {
          if (rows.size() == 0) {
            return new Check(Outcome.UNKNOWN, Optional.empty());
          }
          Row row = rows.iterator().next();
          if (!credential.get().matches(row.getBuffer("secret_hash").getBytes())) {
            return new Check(Outcome.UNKNOWN, Optional.empty());
          }
          Holder holder = new Holder(credential.get().publicId(), row.getUUID("workspace_id"), row.getString("agent_id"));
          if (row.getBoolean("revoked")) {
            return new Check(Outcome.REVOKED, Optional.of(holder));
          }
          if (!"active".equals(row.getString("status"))) {
            return new Check(Outcome.LOCKED, Optional.of(holder));
          }
          return new Check(Outcome.VALID, Optional.of(holder));
        });
  }

  /** {@code [{"id","agent","createdAt","revokedAt"}]} of a workspace, newest first; never a secret. */
  public Future<JsonArray> list(UUID workspace) {
    return pool.preparedQuery("SELECT public_id, agent_id, created_at, revoked_at FROM egress_credentials "
            + "WHERE workspace_id = $1 ORDER BY created_at DESC, public_id")
        .execute(Tuple.of(workspace))
        .map(rows -> {
          JsonArray out = new JsonArray();
          for (Row row : rows) {
            out.add(new JsonObject().put("id", row.getString("public_id")).put("agent", row.getString("agent_id"))
                .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
                .put("revokedAt", Optional.ofNullable(row.getOffsetDateTime("revoked_at"))
                    .map(t -> t.toInstant().toString()).orElse(null)));
          }
          return out;
        });
  }

  /** Revokes credential {@code publicId} of {@code workspace}; false if there is no such live credential. */
  public Future<Boolean> revoke(UUID workspace, String publicId) {
    return pool.preparedQuery("UPDATE egress_credentials SET revoked_at = now() "
            + "WHERE workspace_id = $1 AND public_id = $2 AND revoked_at IS NULL")
        .execute(Tuple.of(workspace, publicId))
        .map(rows -> rows.rowCount() > 0);
  }
}
