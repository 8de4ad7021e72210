package dev.gatehouse.gateway.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.gateway.authn.AuthnResult;
import dev.gatehouse.gateway.authn.TokenVerifier;
import dev.gatehouse.gateway.crypto.CryptoProviderChoice;
import dev.gatehouse.gateway.crypto.SignatureProvider;
import dev.gatehouse.gateway.crypto.SignatureProviders;
import dev.gatehouse.gateway.keys.SigningAlgorithm;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Cost of {@link TokenVerifier#verify} per call, on verifiers wired as the gateway wires them:
 *
 * <ul>
 *   <li><b>cache hit</b>: one long-lived verifier and the same token again and again (shape
 *       check, hash, cache lookup, then the expiry, revocation, lock and key re-checks);
 *   <li><b>full ES256</b> and <b>full EdDSA</b>: each round takes a fresh verifier (empty cache)
 *       and {@value #FULL_OPS_PER_ROUND} distinct tokens, so every call misses and runs parse,
 *       header checks, signature, claims and the cache insert. Full ES256 runs on the provider
 *       the gateway selects here ({@code tokens.cryptoProvider: auto}).
 *   <li><b>per provider</b>, for the JDK's provider and (where it loads) the native one side by
 *       side: <b>signature</b>, the ES256 signature check alone (Nimbus {@link JWSVerifier#verify}
 *       on the same tokens), and <b>full</b>, the uncached {@link TokenVerifier#verify} as above.
 * </ul>
 *
 * Cases are interleaved round by round after {@value #WARMUP_ROUNDS} warm-up rounds; each figure
 * is the median of the measured rounds.
 */
final class VerificationBenchmark {

  static final int WARMUP_ROUNDS = 2;
  static final int HIT_OPS_PER_ROUND = 200_000;
  static final int FULL_OPS_PER_ROUND = 1_000;

  /** Microseconds per verification of each case, per round. */
  record Result(Rounds cacheHit, Rounds fullEs256, Rounds fullEdDsa, List<ProviderCost> es256ByProvider) {}

  /** Microseconds per ES256 verification on one provider: the signature alone, and uncached {@code verify}. */
  record ProviderCost(String provider, Rounds signature, Rounds full) {}

  private final int rounds;

  VerificationBenchmark(int rounds) {
    this.rounds = rounds;
  }

  Result run(Path workDir) throws Exception {
    Path dataDir = Files.createDirectories(workDir.resolve("verifier"));
    try (TestDatabase database = new TestDatabase(); VerifierNode node = new VerifierNode(database.url(), dataDir)) {
      TokenVerifier longLived = node.newVerifier();
      String held = node.mint();
      List<String> es256 = node.sign(FULL_OPS_PER_ROUND);
      node.rotate(SigningAlgorithm.EDDSA);
      List<String> eddsa = node.sign(FULL_OPS_PER_ROUND);

      List<SignatureProvider> providers = new ArrayList<>(List.of(SignatureProviders.jdk()));
      SignatureProvider selected = SignatureProviders.select(CryptoProviderChoice.AUTO);
      if (selected.nativeBacked()) {
        providers.add(selected);
      }
      List<SignedJWT> parsed = new ArrayList<>();
      for (String token : es256) {
        parsed.add(SignedJWT.parse(token));
      }
      String kid = parsed.get(0).getHeader().getKeyID();

      List<ProviderCost> byProvider = new ArrayList<>();
      for (SignatureProvider p : providers) {
        byProvider.add(new ProviderCost(p.description(), new Rounds(rounds), new Rounds(rounds)));
      }
      Result result = new Result(new Rounds(rounds), new Rounds(rounds), new Rounds(rounds), byProvider);
      for (int r = -WARMUP_ROUNDS; r < rounds; r++) {
        double hit = timeEach(longLived, List.of(held), HIT_OPS_PER_ROUND);
        double fullEs256 = timeEach(node.newVerifier(), es256, es256.size());
        double fullEdDsa = timeEach(node.newVerifier(), eddsa, eddsa.size());
        if (r >= 0) {
          result.cacheHit().add(hit);
          result.fullEs256().add(fullEs256);
          result.fullEdDsa().add(fullEdDsa);
        }
        for (int i = 0; i < providers.size(); i++) {
          SignatureProvider p = providers.get(i);
          double signature = timeSignatures(SigningAlgorithm.ES256.verifier(node.publicKey(kid), p), parsed);
          double full = timeEach(node.newVerifier(p), es256, es256.size());
          if (r >= 0) {
            byProvider.get(i).signature().add(signature);
            byProvider.get(i).full().add(full);
          }
        }
      }
      return result;
    }
  }

  /**
   * Verifies {@code ops} times, walking {@code tokens} in order; every call must authenticate.
   * Returns microseconds per verification.
   */
  private static double timeEach(TokenVerifier verifier, List<String> tokens, int ops) {
    int size = tokens.size();
    long started = System.nanoTime();
    for (int i = 0; i < ops; i++) {
      expectAuthenticated(verifier.verify(tokens.get(i % size)));
    }
    return (System.nanoTime() - started) / 1_000.0 / ops;
  }

  /** Checks each token's signature once; every one must verify. Returns microseconds per check. */
  private static double timeSignatures(JWSVerifier verifier, List<SignedJWT> tokens) throws JOSEException {
    long started = System.nanoTime();
    for (SignedJWT jwt : tokens) {
      if (!verifier.verify(jwt.getHeader(), jwt.getSigningInput(), jwt.getSignature())) {
        throw new IllegalStateException("benchmark token signature refused");
      }
    }
    return (System.nanoTime() - started) / 1_000.0 / tokens.size();
  }

  private static void expectAuthenticated(Future<AuthnResult> outcome) {
    if (!outcome.succeeded()) {
      throw new IllegalStateException("verification did not complete synchronously, or failed");
    }
    if (outcome.result() instanceof AuthnResult.Rejected rejected) {
      throw new IllegalStateException("benchmark token refused: " + rejected.rejection().reason());
    }
    if (!(outcome.result() instanceof AuthnResult.Authenticated)) {
      throw new IllegalStateException("benchmark token not authenticated");
    }
  }
}
