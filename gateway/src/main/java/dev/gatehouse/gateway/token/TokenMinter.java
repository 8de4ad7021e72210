package dev.gatehouse.gateway.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.gateway.keys.SigningKeys;
import dev.gatehouse.gateway.token.MintRefusedException.Reason;
import dev.gatehouse.gateway.workspace.Scopes;
import dev.gatehouse.gateway.workspace.WorkspaceStore;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Mints Gatehouse access tokens: ES256 or EdDSA JWTs with {@code typ at+jwt} and the claims
 * {@code iss aud sub jti iat exp workspace scope}. The metadata row is committed before the token
 * is returned, so every token that exists can be listed and revoked; the token itself is never
 * stored or logged.
 *
 * <p>Refusals are {@link MintRefusedException}s: a subject that is not 1–256 printable
 * characters, no scopes or an unknown one, a lifetime above {@link TokenSettings#maxTtl()}, an
 * unknown or locked workspace. Database or signing failures are failed futures.
 */
public final class TokenMinter {

  /** Subjects are printable, without spaces or control characters, at most 256 characters. */
  static final Pattern SUBJECT = Pattern.compile("[\\x21-\\x7E]{1,256}");
  static final int DESCRIPTION_MAX = 500;
  static final int JTI_BYTES = 16;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final TokenSettings settings;
  private final SigningKeys keys;
  private final TokenStore store;
  private final WorkspaceStore workspaces;
  private final Clock clock;

  public TokenMinter(TokenSettings settings, SigningKeys keys, TokenStore store, WorkspaceStore workspaces,
      Clock clock) {
    this.settings = settings;
    this.keys = keys;
    this.store = store;
    this.workspaces = workspaces;
    this.clock = clock;
  }

  public Future<MintedToken> mint(MintRequest request) {
    if (!SUBJECT.matcher(request.subject()).matches()) {
      return refused(Reason.INVALID_SUBJECT);
    }
    if (request.scopes().isEmpty()) {
      return refused(Reason.NO_SCOPES);
    }
    if (!request.scopes().stream().allMatch(Scopes::known)) {
      return refused(Reason.UNKNOWN_SCOPE);
    }
    if (request.ttl().isNegative() || request.ttl().isZero() || request.ttl().compareTo(settings.maxTtl()) > 0) {
      return refused(Reason.TTL_TOO_LONG);
    }
    return workspaces.get(request.workspace()).compose(workspace -> {
      if (workspace.isEmpty()) {
        return refused(Reason.WORKSPACE_NOT_FOUND);
      }
      if (workspace.get().locked()) {
        return refused(Reason.WORKSPACE_LOCKED);
      }
      Instant issued = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      Instant expires = issued.plus(request.ttl());
      List<String> scopes = List.copyOf(new TreeSet<>(request.scopes()));
      TokenRecord record = new TokenRecord(newJti(), request.workspace().toString(), request.subject(), scopes,
          request.description().map(d -> d.length() > DESCRIPTION_MAX ? d.substring(0, DESCRIPTION_MAX) : d),
          issued, expires, java.util.Optional.empty(), java.util.Optional.empty());
      String token;
      try {
        token = keys.sign(new JWTClaimsSet.Builder()
            .issuer(settings.issuer())
            .audience(settings.audience())
            .subject(record.subject())
            .jwtID(record.jti())
            .issueTime(Date.from(issued))
            .expirationTime(Date.from(expires))
            .claim(TokenSettings.WORKSPACE_CLAIM, record.workspaceId())
            .claim(TokenSettings.SCOPE_CLAIM, String.join(" ", scopes))
            .build(), TokenSettings.ACCESS_TOKEN_TYPE);
      } catch (JOSEException e) {
        return Future.failedFuture(new IllegalStateException("signing failed"));
      }
      return store.insert(record).map(v -> new MintedToken(token, record));
    });
  }

  private static String newJti() {
    byte[] bytes = new byte[JTI_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static <T> Future<T> refused(Reason reason) {
    return Future.failedFuture(new MintRefusedException(reason));
  }
}
