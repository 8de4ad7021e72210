package dev.gatehouse.gateway.token;

import dev.gatehouse.gateway.store.ChangeFeed;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;

/**
 * Revokes Gatehouse-issued tokens (one by jti, all of a subject, or all of a workspace) and
 * external issuers' tokens (one by issuer and jti, or those of an issuer's subject issued until
 * now). The revocation is committed with its {@link ChangeFeed} message, applied to this node at
 * once and to every other node when the message arrives. Fails (and revokes nothing) if the
 * database does.
 */
public final class TokenRevoker {

  private final TokenStore store;
  private final ExternalRevocationStore external;
  private final RevocationState revocations;

  public TokenRevoker(TokenStore store, ExternalRevocationStore external, RevocationState revocations) {
    this.store = store;
    this.external = external;
    this.revocations = revocations;
  }

  /** Revokes tokens of an external issuer; the caller checks that the issuer is registered. */
  public Future<ExternalRevocation> revokeExternal(ExternalRevocation.Target target, String reason) {
    return external.insert(target, reason).onSuccess(revocations::markRevoked);
  }

  /** The tokens this call revoked; empty if none was live and unrevoked. */
  public Future<List<TokenRecord>> revokeJti(String jti, String reason) {
    return applied(store.revokeJti(jti, reason));
  }

  public Future<List<TokenRecord>> revokeSubject(String subject, String reason) {
    return applied(store.revokeSubject(subject, reason));
  }

  public Future<List<TokenRecord>> revokeWorkspace(UUID workspace, String reason) {
    return applied(store.revokeWorkspace(workspace, reason));
  }

  private Future<List<TokenRecord>> applied(Future<List<TokenRecord>> revoked) {
    return revoked.onSuccess(tokens -> tokens.forEach(t -> revocations.markRevoked(t.jti(), t.expiresAt())));
  }
}
