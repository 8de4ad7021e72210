package dev.gatehouse.gateway.session;

import dev.gatehouse.gateway.authn.AuthnResult;
import dev.gatehouse.gateway.authn.Principal;
import dev.gatehouse.gateway.authn.TokenVerifier;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.store.ChangeFeed;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Browser sessions, stored in PostgreSQL ({@code sessions}, only the SHA-256 of each id) and
 * cached per node. A session speaks for the principal of the token it was made from, until the
 * earliest of: its idle timeout, its absolute timeout (capped by that token's expiry), logout, and
 * whatever withdraws the token itself ({@link TokenVerifier#withdrawn}: revocation, workspace
 * lock, issuer removal). Logout on any node reaches every node through the {@link ChangeFeed}
 * ({@value ChangeFeed#SESSIONS}), which empties each node's cache.
 */
public final class Sessions {

  /** Sessions remembered per node. */
  static final int CACHE_CAPACITY = 10_000;
  /** The last-seen time is written at most this often per session (or a quarter of the idle timeout). */
  static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
  private static final int ID_BYTES = 32;

  /** One live session as this node knows it. */
  record Stored(Principal principal, Instant lastSeen, Instant expiresAt) {}

  private final Pool pool;
  private final GatewayConfig.Sessions settings;
  private final TokenVerifier verifier;
  private final Clock clock;
  private final Duration touchEvery;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Stored> cache = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Stored> eldest) {
      return size() > CACHE_CAPACITY;
    }
  };

  public Sessions(Pool pool, ChangeFeed feed, GatewayConfig.Sessions settings, TokenVerifier verifier, Clock clock) {
    this.pool = pool;
    this.settings = settings;
    this.verifier = verifier;
    this.clock = clock;
    Duration quarter = settings.idle().dividedBy(4);
    this.touchEvery = quarter.compareTo(TOUCH_INTERVAL) < 0 ? quarter : TOUCH_INTERVAL;
    feed.onMessage(message -> {
      if (ChangeFeed.SESSIONS.equals(message)) {
        forgetAll();
      }
    });
    feed.onResubscribe(v -> forgetAll());
  }

  /** A new session for {@code principal}: its id, which only the browser keeps. */
  public Future<String> create(Principal principal) {
    byte[] bytes = new byte[ID_BYTES];
    random.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Instant now = clock.instant();
    Instant absolute = now.plus(settings.absolute());
    Instant expires = principal.expiresAt().isBefore(absolute) ? principal.expiresAt() : absolute;
    return pool.preparedQuery("INSERT INTO sessions (id_sha256, subject, workspace_id, scopes, jti, issuer, "
            + "token_issued_at, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)")
        .execute(Tuple.wrap(List.of(Buffer.buffer(hash(id)), principal.subject(),
            UUID.fromString(principal.workspace()), principal.scopes().toArray(new String[0]), principal.jti(),
            principal.issuer(), principal.issuedAt().atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC),
            expires.atOffset(ZoneOffset.UTC))))
        .map(id);
  }

  /**
   * The principal of a live session, or a rejection ({@code session_unknown}, {@code session_idle},
   * {@code session_expired}, or {@code session_} and why its token was withdrawn). A failed future
   * means the store could not be asked (deny with 503).
   */
  public Future<AuthnResult> authenticate(String id) {
    String key = key(id);
    Stored cached;
    synchronized (this) {
      cached = cache.get(key);
    }
    if (cached != null && !idle(cached)) {
      return Future.succeededFuture(live(key, cached));
    }
    // Not known here, or idle as far as this node saw: another node may have seen it since.
    return pool.preparedQuery("SELECT subject, workspace_id::text AS workspace, scopes, jti, issuer, token_issued_at, "
            + "last_seen_at, expires_at FROM sessions WHERE id_sha256 = $1 AND ended_at IS NULL")
        .execute(Tuple.of(Buffer.buffer(hash(id))))
        .map(rows -> {
          if (rows.rowCount() == 0) {
            return AuthnResult.rejected("session_unknown");
          }
          Stored stored = stored(rows.iterator().next());
          if (idle(stored)) {
            return AuthnResult.rejected("session_idle");
          }
          synchronized (this) {
            cache.put(key, stored);
          }
          return live(key, stored);
        });
  }

  /** Ends a session on every node; nothing if there is none. */
  public Future<Void> end(String id) {
    String key = key(id);
    synchronized (this) {
      cache.remove(key);
    }
    return pool.withTransaction(conn -> conn
        .preparedQuery("UPDATE sessions SET ended_at = $2 WHERE id_sha256 = $1 AND ended_at IS NULL")
        .execute(Tuple.of(Buffer.buffer(hash(id)), clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture()
            : ChangeFeed.publish(conn, ChangeFeed.SESSIONS)));
  }

  private AuthnResult live(String key, Stored stored) {
    Instant now = clock.instant();
    if (!now.isBefore(stored.expiresAt())) {
      return AuthnResult.rejected("session_expired");
    }
    var withdrawn = verifier.withdrawn(stored.principal());
    if (withdrawn.isPresent()) {
      return AuthnResult.rejected("session_" + withdrawn.get());
    }
    if (!stored.lastSeen().plus(touchEvery).isAfter(now)) {
      touch(key, stored, now);
    }
    return new AuthnResult.Authenticated(stored.principal());
  }

  private void touch(String key, Stored stored, Instant now) {
    synchronized (this) {
      cache.put(key, new Stored(stored.principal(), now, stored.expiresAt()));
    }
    pool.preparedQuery("UPDATE sessions SET last_seen_at = greatest(last_seen_at, $2) WHERE id_sha256 = $1")
        .execute(Tuple.of(Buffer.buffer(Base64.getDecoder().decode(key)), now.atOffset(ZoneOffset.UTC)))
        .onFailure(e -> LOG.warn("session last-seen not stored: kind={}", e.getClass().getSimpleName()));
  }

  private boolean idle(Stored stored) {
    return !stored.lastSeen().plus(settings.idle()).isAfter(clock.instant());
  }

  private synchronized void forgetAll() {
    cache.clear();
  }

  private static Stored stored(Row row) {
    Instant expires = row.getOffsetDateTime("expires_at").toInstant();
    Principal principal = new Principal(row.getString("subject"), row.getString("workspace"),
        Set.copyOf(Arrays.asList(row.getArrayOfStrings("scopes"))), row.getString("jti"),
        row.getOffsetDateTime("token_issued_at").toInstant(), expires, row.getString("issuer"));
    return new Stored(principal, row.getOffsetDateTime("last_seen_at").toInstant(), expires);
  }

  private static String key(String id) {
    return Base64.getEncoder().encodeToString(hash(id));
  }

  private static byte[] hash(String id) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
