package dev.gatehouse.gateway.authn;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One external issuer's JWKS, fetched asynchronously with a Vert.x {@link HttpClient} owned by
 * the caller.
 *
 * <h3>Guarantees</h3>
 * <ul>
 *   <li><b>Single flight</b>: at most one fetch is in progress; concurrent lookups share it.</li>
 *   <li><b>Rate limit</b>: a lookup for an unknown {@code kid} refetches at most once per
 *       {@code minRefetch}; unknown kids are remembered (negative cache, bounded) for as long.
 *       A flood of random kids therefore causes a bounded number of fetches.</li>
 *   <li><b>Freshness</b>: a fetched set is used for {@code freshFor}; the first lookup after that
 *       refetches, so a key the issuer removed stops verifying within {@code freshFor}.</li>
 *   <li><b>Stale if error</b>: a failed refresh keeps serving the last good set for at most
 *       {@link #STALE_MAX} after it was fetched; after that lookups fail (deny).</li>
 *   <li>Only asymmetric signature keys are kept: {@code oct} keys, RSA keys under 2048 bits and
 *       encryption keys are dropped. Bodies over {@link #MAX_BODY_BYTES} are refused.</li>
 * </ul>
 * A lookup's failed future means "broken" (no usable key set); an empty optional means "no such key".
 */
final class RemoteJwks {

  static final Duration STALE_MAX = Duration.ofHours(1);
  static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
  static final int MAX_BODY_BYTES = 64 * 1024;
  static final int MAX_NEGATIVE = 1024;
  static final int MIN_RSA_BITS = 2048;

  private static final Logger LOG = LoggerFactory.getLogger(RemoteJwks.class);

  private final HttpClient client;
  private final URI url;
  private final Duration minRefetch;
  private final Duration freshFor;
  private final Clock clock;
  private final Map<String, Instant> unknownKids = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
      return size() > MAX_NEGATIVE;
    }
  };
  private JWKSet keys;
  private Instant fetchedAt = Instant.MIN;
  private Instant lastAttempt = Instant.MIN;
  private Future<JWKSet> inFlight;

  RemoteJwks(HttpClient client, URI url, Duration minRefetch, Duration freshFor, Clock clock) {
    this.client = client;
    this.url = url;
    this.minRefetch = minRefetch;
    this.freshFor = freshFor;
    this.clock = clock;
  }

  synchronized Future<Optional<JWK>> key(String kid) {
    Instant now = clock.instant();
    if (keys != null && fetchedAt.plus(freshFor).isAfter(now)) {
      JWK key = keys.getKeyByKeyId(kid);
      if (key != null) {
        return Future.succeededFuture(Optional.of(key));
      }
      Instant negativeUntil = unknownKids.get(kid);
      if (negativeUntil != null && negativeUntil.isAfter(now)) {
        return Future.succeededFuture(Optional.empty());
      }
      if (inFlight == null && !refetchAllowed(now)) {
        unknownKids.put(kid, lastAttempt.plus(minRefetch));
        return Future.succeededFuture(Optional.empty());
      }
    } else if (inFlight == null && !refetchAllowed(now)) {
      return stale(kid);
    }
    return refresh().map(set -> lookup(set, kid)).recover(failure -> stale(kid));
  }

  private boolean refetchAllowed(Instant now) {
    return !lastAttempt.plus(minRefetch).isAfter(now);
  }

  /** The last good set while it is younger than {@link #STALE_MAX}; otherwise broken. */
  private synchronized Future<Optional<JWK>> stale(String kid) {
    if (keys != null && fetchedAt.plus(STALE_MAX).isAfter(clock.instant())) {
      return Future.succeededFuture(Optional.ofNullable(keys.getKeyByKeyId(kid)));
    }
    return Future.failedFuture(new IllegalStateException("no usable key set"));
  }

  private synchronized Optional<JWK> lookup(JWKSet set, String kid) {
    JWK key = set.getKeyByKeyId(kid);
    if (key == null) {
      unknownKids.put(kid, clock.instant().plus(minRefetch));
    }
    return Optional.ofNullable(key);
  }

  private synchronized Future<JWKSet> refresh() {
    if (inFlight != null) {
      return inFlight;
    }
    lastAttempt = clock.instant();
    Future<JWKSet> fetch = fetch().andThen(result -> {
      synchronized (this) {
        inFlight = null;
        if (result.succeeded()) {
          keys = result.result();
          fetchedAt = clock.instant();
          unknownKids.clear();
        } else {
          LOG.warn("JWKS fetch failed: host={} kind={}", url.getHost(), result.cause().getClass().getSimpleName());
        }
      }
    });
    if (!fetch.isComplete()) {
      inFlight = fetch;
    }
    return fetch;
  }

  private Future<JWKSet> fetch() {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setAbsoluteURI(url.toString())
        .setFollowRedirects(false)
        .setTimeout(FETCH_TIMEOUT.toMillis());
    return client.request(options)
        .compose(request -> request.send())
        .compose(response -> {
          String length = response.getHeader("Content-Length");
          if (response.statusCode() != 200 || (length != null && length.length() > 7)
              || (length != null && Long.parseLong(length) > MAX_BODY_BYTES)) {
            return Future.failedFuture(new IllegalStateException("JWKS endpoint answered badly"));
          }
          return response.body();
        })
        .compose(body -> {
          if (body.length() > MAX_BODY_BYTES) {
            return Future.failedFuture(new IllegalStateException("JWKS document too large"));
          }
          try {
            return Future.succeededFuture(usable(JWKSet.parse(body.toString())));
          } catch (java.text.ParseException | RuntimeException e) {
            return Future.failedFuture(new IllegalStateException("JWKS document unreadable"));
          }
        });
  }

  private static JWKSet usable(JWKSet set) {
    return new JWKSet(set.getKeys().stream()
        .filter(k -> k.getKeyID() != null && !k.isPrivate())
        .filter(k -> k.getKeyUse() == null || KeyUse.SIGNATURE.equals(k.getKeyUse()))
        .filter(k -> KeyType.EC.equals(k.getKeyType()) || KeyType.OKP.equals(k.getKeyType())
            || (KeyType.RSA.equals(k.getKeyType()) && ((RSAKey) k).size() >= MIN_RSA_BITS))
        .toList());
  }
}
