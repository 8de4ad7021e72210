package dev.gatehouse.gateway.token;

import dev.gatehouse.gateway.store.ChangeFeed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What has been withdrawn, as this node knows it: revoked token ids (until their tokens expire),
 * revocations of external issuers' tokens ({@link ExternalRevocation}: by issuer and jti, or every
 * token of an issuer's subject issued until a moment) and locked workspaces. Loaded at start and
 * kept current by the {@link ChangeFeed}.
 *
 * <h3>Guarantees</h3>
 * <ul>
 *   <li>Revocations only accumulate: a snapshot never removes a revocation a message added.</li>
 *   <li>Workspace locks are replaced by the newest snapshot only; an older reload finishing late
 *       is discarded.</li>
 *   <li>{@link #current()} is false before the first load, while the feed is disconnected and
 *       until the reload after a reconnection completes: callers must then deny (fail closed).</li>
 * </ul>
 */
public final class RevocationState {

  /** A failed reload is retried after this long while the state is not current. */
  static final long RETRY_DELAY_MS = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(RevocationState.class);

  private final Vertx vertx;
  private final Pool pool;
  private final ChangeFeed feed;
  private final Clock clock;
  private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
  private final Map<ExternalRevocation.Target, ExternalRevocation> external = new ConcurrentHashMap<>();
  private volatile Set<String> lockedWorkspaces = Set.of();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong applied = new AtomicLong();
  private volatile boolean loaded;
  private volatile boolean stopped;

  public RevocationState(Vertx vertx, Pool pool, ChangeFeed feed, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.feed = feed;
    this.clock = clock;
    feed.onMessage(this::onMessage);
    feed.onResubscribe(v -> {
      loaded = false;
      reload();
    });
  }

  /** Loads the current state once; the feed keeps it current afterwards. */
  public Future<Void> start() {
    return reload();
  }

  /** Stops retrying failed reloads; call when the node stops. */
  public void stop() {
    stopped = true;
  }

  public boolean current() {
    return loaded && feed.connected();
  }

  public boolean isRevoked(String jti) {
    return revoked.containsKey(jti);
  }

  public boolean isLocked(String workspaceId) {
    return lockedWorkspaces.contains(workspaceId);
  }

  /** Applies a revocation made by this node at once, before its own message comes back. */
  public void markRevoked(String jti, Instant expiresAt) {
    revoked.put(jti, expiresAt);
  }

  /**
   * Whether a token of an external issuer was revoked: its {@code jti}, or its subject from a
   * moment at or after the token's {@code iat}.
   */
  public boolean isRevokedExternal(String issuer, String jti, String subject, Instant issuedAt) {
    if (external.isEmpty()) {
      return false;
    }
    if (external.containsKey(ExternalRevocation.Target.jti(issuer, jti))) {
      return true;
    }
    ExternalRevocation bySubject = external.get(ExternalRevocation.Target.subject(issuer, subject));
    return bySubject != null && !issuedAt.isAfter(bySubject.revokedAt());
  }

  /** Applies an external revocation made by this node at once, before its own message comes back. */
  public void markRevoked(ExternalRevocation revocation) {
    external.merge(revocation.target(), revocation, ExternalRevocation::later);
  }

  /** Applies a lock or unlock made by this node at once, before its own message comes back. */
  public synchronized void markLocked(String workspaceId, boolean locked) {
    Set<String> next = new HashSet<>(lockedWorkspaces);
    if (locked) {
      next.add(workspaceId);
    } else {
      next.remove(workspaceId);
    }
    lockedWorkspaces = Set.copyOf(next);
  }

  private void onMessage(String message) {
    if (message.startsWith(ChangeFeed.REVOKE_PREFIX)) {
      // The expiry is unknown here; the next snapshot replaces this entry with the real one.
      revoked.putIfAbsent(message.substring(ChangeFeed.REVOKE_PREFIX.length()), Instant.MAX);
    } else if (ChangeFeed.SYNC.equals(message)) {
      reload();
    }
  }

  private Future<Void> reload() {
    long ticket = started.incrementAndGet();
    Future<Set<String>> locks = pool.query("SELECT id::text AS id FROM workspaces WHERE status <> 'active'")
        .execute()
        .map(rows -> {
          Set<String> ids = new HashSet<>();
          rows.forEach(row -> ids.add(row.getString("id")));
          return Set.copyOf(ids);
        });
    Future<Map<String, Instant>> revocations = pool.query(
            "SELECT jti, expires_at FROM tokens WHERE revoked_at IS NOT NULL AND expires_at > now()")
        .execute()
        .map(rows -> {
          Map<String, Instant> live = new ConcurrentHashMap<>();
          for (Row row : rows) {
            live.put(row.getString("jti"), row.getOffsetDateTime("expires_at").toInstant());
          }
          return live;
        });
    Future<List<ExternalRevocation>> externals = ExternalRevocationStore.live(pool);
    return Future.all(locks, revocations, externals).<Void>map(all -> {
      revoked.putAll(revocations.result());
      externals.result().forEach(this::markRevoked);
      Instant now = clock.instant();
      revoked.values().removeIf(expiry -> expiry.isBefore(now));
      external.values().removeIf(r -> r.expiresAt().isBefore(now));
      synchronized (this) {
        if (ticket > applied.get()) {
          applied.set(ticket);
          lockedWorkspaces = locks.result();
          loaded = true;
        }
      }
      return null;
    }).onFailure(failure -> {
      LOG.warn("revocation reload failed: kind={}", failure.getClass().getSimpleName());
      if (!loaded && !stopped) {
        vertx.setTimer(RETRY_DELAY_MS, id -> reload());
      }
    });
  }
}
