package dev.gatehouse.gateway.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.gateway.crypto.SignatureProvider;
import dev.gatehouse.gateway.store.ChangeFeed;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.blob.SecretBlobSealer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gatehouse's signing keys as this node knows them: the active key, which signs, and every key
 * that still verifies (active and verify-only). Private keys are stored sealed by the secrets
 * module ({@link SecretBlobSealer}, blob name {@code gateway/signing-key/<kid>}); only the active
 * key's private half is ever unsealed, off the event loop.
 *
 * <h3>Guarantees and failure modes</h3>
 * <ul>
 *   <li>A key verifies only with its own algorithm; retired keys verify nothing and are not in
 *       the JWKS document.</li>
 *   <li>{@link #rotate} makes a new key active and the previous one verify-only in one
 *       transaction, on every node (announced on the {@link ChangeFeed}).</li>
 *   <li>{@link #sign} fails if no active key is loaded (for example when unsealing failed).</li>
 *   <li>No key material appears in logs or exception messages.</li>
 * </ul>
 */
public final class SigningKeys {

  /** Prefix of the sealed blob names. */
  public static final String BLOB_PREFIX = "gateway/signing-key/";
  static final int KID_BYTES = 12;

  private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A key that verifies: its algorithm and a ready verifier. */
  public record VerificationKey(String kid, SigningAlgorithm alg, JWSVerifier verifier) {}

  private record Signer(String kid, SigningAlgorithm alg, JWSSigner signer) {}

  private record Generated(String kid, SigningAlgorithm alg, String publicJwk, String sealed) {}

  private final Vertx vertx;
  private final SigningKeyStore store;
  private final SecretBlobSealer sealer;
  private final SignatureProvider provider;
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong applied = new AtomicLong();
  private volatile Map<String, VerificationKey> verifying = Map.of();
  private volatile List<SigningKey> all = List.of();
  private volatile Signer signer;

  /** ES256 keys sign and verify on {@code provider}. */
  public SigningKeys(Vertx vertx, Pool pool, SecretBlobSealer sealer, ChangeFeed feed, SignatureProvider provider) {
    this.vertx = vertx;
    this.store = new SigningKeyStore(pool);
    this.sealer = sealer;
    this.provider = provider;
    feed.onMessage(message -> {
      if (ChangeFeed.KEYS.equals(message)) {
        reload();
      }
    });
    feed.onResubscribe(v -> reload());
  }

  /** Loads the keys; if there is no active key yet, creates one with {@code initial}. */
  public Future<Void> start(SigningAlgorithm initial) {
    return reload().compose(v -> signer != null
        ? Future.succeededFuture()
        // Another node may win the race for the first key; then its key is simply loaded.
        : rotate(initial).<Void>mapEmpty().recover(failure -> reload()
            .compose(r -> signer != null ? Future.succeededFuture() : Future.failedFuture(failure))));
  }

  /** Creates a new active key; the previous active key becomes verify-only. */
  public Future<SigningKey> rotate(SigningAlgorithm alg) {
    return vertx.executeBlocking(() -> generate(alg), false)
        .compose(g -> store.insertActive(g.kid(), g.alg().id(), g.publicJwk(), g.sealed())
            .compose(v -> reload())
            .map(v -> find(g.kid()).orElseThrow(() -> new IllegalStateException("rotated key not loaded"))));
  }

  /** Retires a verify-only key: tokens it signed stop verifying on every node. False if no such key. */
  public Future<Boolean> retire(String kid) {
    return store.retire(kid).compose(done -> reload().map(done));
  }

  /** Every key, retired ones included, oldest first. */
  public List<SigningKey> list() {
    return all;
  }

  public Optional<SigningKey> find(String kid) {
    return all.stream().filter(k -> k.kid().equals(kid)).findFirst();
  }

  /** The key to verify a token whose header names {@code kid}, if that key is active or verify-only. */
  public Optional<VerificationKey> verificationKey(String kid) {
    return Optional.ofNullable(verifying.get(kid));
  }

  /** A verifier for {@code key}, whatever its state (a retired key still checks old audit checkpoints). */
  public JWSVerifier verifier(SigningKey key) throws JOSEException {
    return key.alg().verifier(key.publicJwk(), provider);
  }

  /** The provider ES256 signatures run on; external issuers' ES256 keys verify on it too. */
  public SignatureProvider signatureProvider() {
    return provider;
  }

  /** Signs {@code claims} with the active key; the header carries only alg, kid and typ. */
  public String sign(JWTClaimsSet claims, JOSEObjectType type) throws JOSEException {
    Signer current = signer;
    if (current == null) {
      throw new JOSEException("no active signing key");
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(current.alg().jws()).keyID(current.kid()).type(type).build(),
        claims);
    jwt.sign(current.signer());
    return jwt.serialize();
  }

  /** The public JWKS document: active and verify-only keys, public parameters only. */
  public JsonObject jwks() {
    JsonArray keys = new JsonArray();
    for (SigningKey key : all) {
      if (key.state() != KeyState.RETIRED) {
        keys.add(new JsonObject(key.publicJwk().toPublicJWK().toJSONObject()));
      }
    }
    return new JsonObject().put("keys", keys);
  }

  private Generated generate(SigningAlgorithm alg) throws Exception {
    String kid = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
    JWK key = alg.generate(kid);
    try (SecretValue privateJwk = SecretValue.ofUtf8(key.toJSONString())) {
      String sealed = sealer.seal(BLOB_PREFIX + kid, privateJwk);
      return new Generated(kid, alg, key.toPublicJWK().toJSONString(), sealed);
    }
  }

  private Future<Void> reload() {
    long ticket = started.incrementAndGet();
    return store.all().compose(rows -> {
      List<SigningKey> keys = new ArrayList<>();
      Map<String, VerificationKey> verifiers = new LinkedHashMap<>();
      SigningKeyStore.StoredKey active = null;
      for (SigningKeyStore.StoredKey row : rows) {
        SigningAlgorithm alg = SigningAlgorithm.fromId(row.alg())
            .orElseThrow(() -> new IllegalStateException("unknown signing algorithm in the database"));
        JWK publicJwk;
        try {
          publicJwk = JWK.parse(row.publicJwk());
          if (row.state() != KeyState.RETIRED) {
            verifiers.put(row.kid(), new VerificationKey(row.kid(), alg, alg.verifier(publicJwk, provider)));
          }
        } catch (ParseException | JOSEException e) {
          return Future.failedFuture(new IllegalStateException("unusable public key in the database: kid=" + row.kid()));
        }
        keys.add(new SigningKey(row.kid(), alg, row.state(), publicJwk, row.createdAt(),
            Optional.ofNullable(row.retiredAt())));
        if (row.state() == KeyState.ACTIVE) {
          active = row;
        }
      }
      SigningKeyStore.StoredKey activeRow = active;
      Future<Signer> nextSigner = activeRow == null ? Future.succeededFuture(null)
          : signer != null && signer.kid().equals(activeRow.kid()) ? Future.succeededFuture(signer)
          : vertx.executeBlocking(() -> unseal(activeRow), false);
      return nextSigner.map(s -> {
        synchronized (this) {
          if (ticket > applied.get()) {
            applied.set(ticket);
            verifying = Map.copyOf(verifiers);
            all = List.copyOf(keys);
            signer = s;
          }
        }
        return null;
      });
    }).<Void>mapEmpty().onFailure(failure -> LOG.warn("signing key reload failed: kind={}",
        failure.getClass().getSimpleName()));
  }

  private Signer unseal(SigningKeyStore.StoredKey row) throws Exception {
    SigningAlgorithm alg = SigningAlgorithm.fromId(row.alg()).orElseThrow();
    try (SecretValue privateJwk = sealer.open(BLOB_PREFIX + row.kid(), row.sealedPrivateJwk())) {
      JWK key = JWK.parse(privateJwk.revealUtf8());
      if (!key.isPrivate() || !row.kid().equals(key.getKeyID())) {
        throw new IllegalStateException("sealed signing key does not match its row: kid=" + row.kid());
      }
      return new Signer(row.kid(), alg, alg.signer(key, provider));
    } catch (ParseException e) {
      throw new IllegalStateException("sealed signing key is not a JWK: kid=" + row.kid());
    }
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[KID_BYTES];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
