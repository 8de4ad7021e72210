package dev.gatehouse.gateway.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the {@link SignatureProvider} at start. With {@link CryptoProviderChoice#AUTO} it tries
 * the Amazon Corretto Crypto Provider (AWS-LC, shipped for linux-x86_64): its native library must
 * have loaded, the provider must report itself healthy, and it must pass {@link #selfTest}. Any
 * failure falls back to the JDK's provider with a log line saying why. The JDK's provider must
 * pass the same self-test, or the start fails: a node never verifies tokens with a provider that
 * got a known answer wrong.
 */
public final class SignatureProviders {

  private static final Logger LOG = LoggerFactory.getLogger(SignatureProviders.class);

  /** A fixed P-256 public key, message and ES256 (R||S) signature: the known answer. */
  private static final String KNOWN_X = "DguPOtvLj__L3AkLvVdUsZehKCIec4IOoj5-8vvO-LE";
  private static final String KNOWN_Y = "2xG6_T-mGQEUH7_L10T_1nUU5ml4XrKUzdFPLU94kSk";
  private static final byte[] KNOWN_MESSAGE =
      "gatehouse signature provider self-test".getBytes(StandardCharsets.US_ASCII);
  private static final String KNOWN_SIGNATURE =
      "oprX2B1APLz5rB7-FBOCRClCeW7kZvTuwrF02A_yLHERGeXkKB6P3xkBTunkm3ssiCgFnOzFYo2EPBnR-VHZPg";
  private static final JWSHeader ES256 = new JWSHeader(JWSAlgorithm.ES256);

  private SignatureProviders() {}

  /**
   * The provider for this node.
   *
   * @throws IllegalStateException if even the JDK's provider fails the self-test
   */
  public static SignatureProvider select(CryptoProviderChoice choice) {
    return select(choice, SignatureProviders::nativeProvider);
  }

  /** Loads the native candidate; throws with the reason when it is not usable here. */
  interface NativeCandidate {
    SignatureProvider load() throws GeneralSecurityException;
  }

  static SignatureProvider select(CryptoProviderChoice choice, NativeCandidate nativeCandidate) {
    if (choice == CryptoProviderChoice.AUTO) {
      try {
        SignatureProvider candidate = nativeCandidate.load();
        selfTest(candidate);
        LOG.info("signature provider: {} (tokens.cryptoProvider: auto)", candidate.description());
        return candidate;
      } catch (GeneralSecurityException | JOSEException | RuntimeException | LinkageError e) {
        SignatureProvider jdk = jdk();
        LOG.warn("signature provider: {}; the native provider is not used: {}: {}", jdk.description(),
            e.getClass().getSimpleName(), e.getMessage());
        return jdk;
      }
    }
    SignatureProvider jdk = jdk();
    LOG.info("signature provider: {} (tokens.cryptoProvider: jdk)", jdk.description());
    return jdk;
  }

  /**
   * The JDK's provider (the default JCA lookup), self-tested.
   *
   * @throws IllegalStateException if it fails the self-test
   */
  public static SignatureProvider jdk() {
    try {
      SignatureProvider jdk = new SignatureProvider(null,
          Signature.getInstance("SHA256withECDSA").getProvider().getName());
      selfTest(jdk);
      return jdk;
    } catch (GeneralSecurityException | JOSEException e) {
      throw new IllegalStateException("the JDK's ECDSA provider failed its self-test", e);
    }
  }

  /**
   * The Amazon Corretto Crypto Provider, if its native library loaded here and it reports itself
   * healthy; not yet self-tested.
   *
   * @throws GeneralSecurityException if it is not usable, with the reason
   */
  static SignatureProvider nativeProvider() throws GeneralSecurityException {
    AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
    Throwable loading = accp.getLoadingError();
    if (loading != null) {
      throw new GeneralSecurityException("native library not loaded (" + loading.getClass().getSimpleName() + ": "
          + loading.getMessage() + ")");
    }
    accp.assertHealthy();
    return new SignatureProvider(accp, accp.getName() + " " + accp.getVersionStr());
  }

  /**
   * Checks {@code candidate} before any token is verified with it: it accepts the known answer,
   * refuses that answer with one bit changed, and a signature it makes with a fresh key verifies
   * both on itself and on the JDK's provider.
   *
   * @throws GeneralSecurityException if any of these does not hold
   */
  static void selfTest(SignatureProvider candidate) throws GeneralSecurityException, JOSEException {
    ECKey known = new ECKey.Builder(Curve.P_256, new Base64URL(KNOWN_X), new Base64URL(KNOWN_Y)).build();
    ECDSAVerifier verifier = candidate.verifier(known);
    byte[] signature = new Base64URL(KNOWN_SIGNATURE).decode();
    if (!verifier.verify(ES256, KNOWN_MESSAGE, Base64URL.encode(signature))) {
      throw new GeneralSecurityException("self-test: the known signature was refused");
    }
    signature[signature.length - 1] ^= 1;
    if (verifier.verify(ES256, KNOWN_MESSAGE, Base64URL.encode(signature))) {
      throw new GeneralSecurityException("self-test: an altered signature was accepted");
    }
    ECKey fresh = new ECKeyGenerator(Curve.P_256).generate();
    Base64URL made = candidate.signer(fresh).sign(ES256, KNOWN_MESSAGE);
    if (!candidate.verifier(fresh.toPublicJWK()).verify(ES256, KNOWN_MESSAGE, made)
        || !new ECDSAVerifier(fresh.toPublicJWK()).verify(ES256, KNOWN_MESSAGE, made)) {
      throw new GeneralSecurityException("self-test: a fresh signature did not verify");
    }
  }
}
