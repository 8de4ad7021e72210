package dev.gatehouse.gateway.authn;

import dev.gatehouse.gateway.store.ChangeFeed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The external issuers this node accepts tokens from, each with its {@link RemoteJwks}. Stored in
 * the {@code issuers} table; a change made on any node is announced on the {@link ChangeFeed}
 * ({@code issuers}) and takes effect without a restart. Owns the one HTTP client used for JWKS
 * fetches (held here so Vert.x does not close it) and closes it in {@link #close()}.
 */
public final class IssuerRegistry {

  /** Minimum interval between JWKS refetches triggered by unknown kids (production value). */
  public static final Duration DEFAULT_MIN_REFETCH = Duration.ofSeconds(30);
  /**
   * How long a fetched key set is used before it is fetched again ({@code tokens.jwksCacheDuration}):
   * a key the issuer removed stops verifying, cached tokens included, at most this long after.
   */
  public static final Duration DEFAULT_CACHE_DURATION = Duration.ofMinutes(5);
  static final int CONNECT_TIMEOUT_MS = 3000;

  private static final Logger LOG = LoggerFactory.getLogger(IssuerRegistry.class);

  /** One issuer and its key set. */
  record Registered(IssuerConfig config, RemoteJwks jwks) {}

  private final Pool pool;
  private final HttpClient client;
  private final Duration minRefetch;
  private final Duration cacheDuration;
  private final Clock clock;
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong applied = new AtomicLong();
  private volatile Map<String, Registered> issuers = Map.of();

  /**
   * @param cacheDuration how long a fetched key set is used; unknown kids refetch at most every
   *                      {@code minRefetch} or {@code cacheDuration}, whichever is shorter
   */
  public IssuerRegistry(Vertx vertx, Pool pool, ChangeFeed feed, Duration minRefetch, Duration cacheDuration,
      Clock clock) {
    this.pool = pool;
    this.minRefetch = minRefetch.compareTo(cacheDuration) < 0 ? minRefetch : cacheDuration;
    this.cacheDuration = cacheDuration;
    this.clock = clock;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS)
        .setVerifyHost(true));
    feed.onMessage(message -> {
      if (ChangeFeed.ISSUERS.equals(message)) {
        reload();
      }
    });
    feed.onResubscribe(v -> reload());
  }

  public Future<Void> start() {
    return reload();
  }

  Optional<Registered> find(String iss) {
    return Optional.ofNullable(issuers.get(iss));
  }

  /** The registration of {@code iss}, if it is registered. */
  public Optional<IssuerConfig> config(String iss) {
    return find(iss).map(Registered::config);
  }

  public boolean registered(String iss) {
    return issuers.containsKey(iss);
  }

  public List<IssuerConfig> list() {
    return issuers.values().stream().map(Registered::config).sorted((a, b) -> a.iss().compareTo(b.iss())).toList();
  }

  /** Adds or replaces an issuer on every node. */
  public Future<Void> put(IssuerConfig config) {
    return pool.withTransaction(conn -> conn
        .preparedQuery("INSERT INTO issuers (iss, jwks_url, audience, workspace_claim, scope_claim, allowed_algs, "
            + "allowed_workspaces, allowed_scopes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            + "ON CONFLICT (iss) DO UPDATE SET jwks_url = $2, audience = $3, workspace_claim = $4, scope_claim = $5, "
            + "allowed_algs = $6, allowed_workspaces = $7, allowed_scopes = $8")
        .execute(Tuple.wrap(List.of(config.iss(), config.jwksUrl().toString(), config.audience(),
            config.workspaceClaim(), config.scopeClaim(), config.allowedAlgs().toArray(new String[0]),
            config.allowedWorkspaces().stream().map(UUID::fromString).toArray(UUID[]::new),
            config.allowedScopes().toArray(new String[0]))))
        .compose(v -> ChangeFeed.publish(conn, ChangeFeed.ISSUERS)))
        .compose(v -> reload());
  }

  /** Removes an issuer on every node; false if there was none. */
  public Future<Boolean> remove(String iss) {
    return pool.withTransaction(conn -> conn.preparedQuery("DELETE FROM issuers WHERE iss = $1").execute(Tuple.of(iss))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(false)
            : ChangeFeed.publish(conn, ChangeFeed.ISSUERS).map(true)))
        .compose(removed -> reload().map(removed));
  }

  public Future<Void> close() {
    return client.close();
  }

  private Future<Void> reload() {
    long ticket = started.incrementAndGet();
    return pool.query("SELECT iss, jwks_url, audience, workspace_claim, scope_claim, allowed_algs, "
            + "allowed_workspaces::text[] AS allowed_workspaces, allowed_scopes FROM issuers")
        .execute()
        .<Void>map(rows -> {
          Map<String, Registered> next = new HashMap<>();
          for (Row row : rows) {
            IssuerConfig config = new IssuerConfig(row.getString("iss"), URI.create(row.getString("jwks_url")),
                row.getString("audience"), row.getString("workspace_claim"), row.getString("scope_claim"),
                Set.copyOf(Arrays.asList(row.getArrayOfStrings("allowed_algs"))),
                Set.copyOf(Arrays.asList(row.getArrayOfStrings("allowed_workspaces"))),
                Set.copyOf(Arrays.asList(row.getArrayOfStrings("allowed_scopes"))));
            Registered previous = issuers.get(config.iss());
            // Keep the fetched key set when nothing about the issuer changed.
            next.put(config.iss(), previous != null && previous.config().equals(config) ? previous
                : new Registered(config, new RemoteJwks(client, config.jwksUrl(), minRefetch, cacheDuration, clock)));
          }
          synchronized (this) {
            if (ticket > applied.get()) {
              applied.set(ticket);
              issuers = Map.copyOf(next);
            }
          }
          return null;
        })
        .onFailure(failure -> LOG.warn("issuer reload failed: kind={}", failure.getClass().getSimpleName()));
  }
}
