package dev.gatehouse.gateway.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.gateway.authn.IssuerRegistry;
import dev.gatehouse.gateway.authn.TokenVerifier;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.crypto.CryptoProviderChoice;
import dev.gatehouse.gateway.crypto.SignatureProvider;
import dev.gatehouse.gateway.crypto.SignatureProviders;
import dev.gatehouse.gateway.keys.SigningAlgorithm;
import dev.gatehouse.gateway.keys.SigningKeys;
import dev.gatehouse.gateway.store.ChangeFeed;
import dev.gatehouse.gateway.store.Database;
import dev.gatehouse.gateway.store.MigrationSet;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.token.MintRequest;
import dev.gatehouse.gateway.token.RevocationState;
import dev.gatehouse.gateway.token.TokenMinter;
import dev.gatehouse.gateway.token.TokenSettings;
import dev.gatehouse.gateway.token.TokenStore;
import dev.gatehouse.gateway.workspace.WorkspaceStore;
import dev.gatehouse.secrets.blob.SecretBlobSealer;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.KeyProviders;
import dev.gatehouse.secrets.provider.Profile;
import dev.gatehouse.secrets.provider.local.Keyring;
import dev.gatehouse.secrets.provider.local.LocalKeyringConfig;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@link TokenVerifier}s wired the way {@code Gateway} wires them: real {@link SigningKeys} sealed
 * with the local development keyring, the change feed, revocation state and issuer registry, all
 * on a real PostgreSQL, ES256 on the provider {@code tokens.cryptoProvider: auto} selects. It also
 * signs tokens with the node's active key, and builds verifiers whose keys run on another
 * {@link SignatureProvider}, for comparison.
 */
final class VerifierNode implements AutoCloseable {

  private static final String KEY_NAME = "gatehouse-characters";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx = Vertx.vertx();
  private final KeyProvider provider;
  private final Database database;
  private final ChangeFeed feed;
  private final RevocationState revocations;
  private final IssuerRegistry issuers;
  private final SigningKeys keys;
  private final Map<SignatureProvider, SigningKeys> keysByProvider = new HashMap<>();
  private final TokenSettings settings = TokenSettings.defaults();
  private final Clock clock = Clock.systemUTC();
  private final TokenMinter minter;
  private final UUID workspace;

  VerifierNode(String databaseUrl, Path dataDir) throws Exception {
    Path keyring = dataDir.resolve("keyring.json");
    Keyring.create(keyring, KEY_NAME, Clock.systemUTC());
    provider = KeyProviders.open(Profile.DEVELOPMENT, new LocalKeyringConfig(keyring, KEY_NAME), Map.of());
    database = Await.result(Database.open(vertx,
        new GatewayConfig.Database(Optional.of(URI.create(databaseUrl)), Optional.empty(), Optional.empty(), 4),
        dataDir, List.of(MigrationSet.GATEWAY)));
    feed = new ChangeFeed(vertx, database.connectOptions());
    revocations = new RevocationState(vertx, database.pool(), feed, clock);
    keys = new SigningKeys(vertx, database.pool(), new SecretBlobSealer(provider), feed,
        SignatureProviders.select(CryptoProviderChoice.AUTO));
    issuers = new IssuerRegistry(vertx, database.pool(), feed, IssuerRegistry.DEFAULT_MIN_REFETCH,
        IssuerRegistry.DEFAULT_CACHE_DURATION, clock);
    Await.result(feed.start());
    Await.result(revocations.start());
    Await.result(keys.start(SigningAlgorithm.ES256));
    Await.result(issuers.start());
    WorkspaceStore workspaces = new WorkspaceStore(database.pool());
    minter = new TokenMinter(settings, keys, new TokenStore(database.pool()), workspaces, clock);
    workspace = Await.result(workspaces.create("bench")).orElseThrow().id();
  }

  /** A verifier as {@code Gateway} builds it, with an empty cache of verified tokens. */
  TokenVerifier newVerifier() {
    return new TokenVerifier(settings, keys, issuers, revocations, clock);
  }

  /** The provider this node's own keys run ES256 on, as the gateway would select it here. */
  SignatureProvider signatureProvider() {
    return keys.signatureProvider();
  }

  /**
   * A verifier with an empty cache whose keys (the same keys, loaded again) run ES256 on
   * {@code signatureProvider}.
   */
  TokenVerifier newVerifier(SignatureProvider signatureProvider) throws Exception {
    SigningKeys other = keysByProvider.get(signatureProvider);
    if (other == null) {
      other = new SigningKeys(vertx, database.pool(), new SecretBlobSealer(provider), feed, signatureProvider);
      Await.result(other.start(SigningAlgorithm.ES256));
      keysByProvider.put(signatureProvider, other);
    }
    return new TokenVerifier(settings, other, issuers, revocations, clock);
  }

  /** The public key of {@code kid}. */
  JWK publicKey(String kid) {
    return keys.find(kid).orElseThrow().publicJwk();
  }

  /** Makes a new key of {@code alg} the signing key; earlier keys keep verifying. */
  void rotate(SigningAlgorithm alg) throws Exception {
    Await.result(keys.rotate(alg));
  }

  /** One token minted through the admin path (metadata row committed), as an agent would hold it. */
  String mint() throws Exception {
    return Await.result(minter.mint(new MintRequest(workspace, "bench-agent", Set.of("agents:read"),
        Duration.ofHours(1), Optional.empty()))).token();
  }

  /**
   * {@code count} distinct tokens with the claims {@link TokenMinter} signs, signed by the active
   * key. No metadata rows are written: verification never reads them, and a row per token would
   * only slow the set-up.
   */
  List<String> sign(int count) throws JOSEException {
    Instant issued = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    List<String> tokens = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      tokens.add(keys.sign(new JWTClaimsSet.Builder()
          .issuer(settings.issuer())
          .audience(settings.audience())
          .subject("bench-agent-" + i)
          .jwtID(newJti())
          .issueTime(Date.from(issued))
          .expirationTime(Date.from(issued.plus(Duration.ofHours(1))))
          .claim(TokenSettings.WORKSPACE_CLAIM, workspace.toString())
          .claim(TokenSettings.SCOPE_CLAIM, "agents:read")
          .build(), TokenSettings.ACCESS_TOKEN_TYPE));
    }
    return tokens;
  }

  private static String newJti() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public void close() throws Exception {
    revocations.stop();
    Await.result(issuers.close());
    Await.result(feed.close());
    Await.result(database.close());
    Await.result(vertx.close());
    provider.close();
  }
}
