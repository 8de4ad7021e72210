package dev.gatehouse.gateway.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.gatehouse.gateway.keys.SigningAlgorithm;
import dev.gatehouse.gateway.testsupport.NativeCryptoPlatform;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wycheproof-style vectors for the signatures Gatehouse verifies, run through the verifiers the
 * gateway builds ({@link SigningAlgorithm#verifier}) on every provider this platform has: the
 * JDK's, and the native one where it ships (on linux-x86_64 it must be there; see
 * {@link SignatureProvidersTest}). Every provider must give exactly the expected answer for every
 * vector: valid, altered, out of range, malleable (high S), wrong key or curve, truncated or
 * padded, and DER where JWS has raw R||S.
 */
class SignatureVectorsTest {

  private static final JWSHeader ES256 = new JWSHeader(JWSAlgorithm.ES256);
  private static final JWSHeader EDDSA = new JWSHeader(JWSAlgorithm.EdDSA);
  private static final BigInteger N = Curve.P_256.toECParameterSpec().getOrder();

  /** A fixed test key (this key signs nothing else), a message and its ES256 signature (R||S). */
  private static final ECKey KEY = new ECKey.Builder(Curve.P_256,
      new Base64URL("DguPOtvLj__L3AkLvVdUsZehKCIec4IOoj5-8vvO-LE"),
      new Base64URL("2xG6_T-mGQEUH7_L10T_1nUU5ml4XrKUzdFPLU94kSk")).build();
  private static final byte[] MESSAGE = "gatehouse signature provider self-test".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SIGNATURE = new Base64URL(
      "oprX2B1APLz5rB7-FBOCRClCeW7kZvTuwrF02A_yLHERGeXkKB6P3xkBTunkm3ssiCgFnOzFYo2EPBnR-VHZPg").decode();

  /** RFC 8032 section 7.1, test 1: Ed25519 public key, empty message, signature. */
  private static final byte[] ED_PUBLIC =
      HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  private static final byte[] ED_SIGNATURE = HexFormat.of().parseHex(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  /** The order of the Ed25519 group, L = 2^252 + 27742317777372353535851937790883648493. */
  private static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

  record Vector(String name, byte[] message, byte[] signature, boolean valid) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<SignatureProvider> providers() {
    List<SignatureProvider> providers = new ArrayList<>(List.of(SignatureProviders.select(CryptoProviderChoice.JDK)));
    SignatureProvider auto = SignatureProviders.select(CryptoProviderChoice.AUTO);
    if (NativeCryptoPlatform.here()) {
      assertTrue(auto.nativeBacked(), "the native provider must load on linux-x86_64");
    }
    if (auto.nativeBacked()) {
      providers.add(auto);
    }
    return providers;
  }

  static List<Vector> es256Vectors() {
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(SIGNATURE, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(SIGNATURE, 32, 64));
    byte[] otherMessage = MESSAGE.clone();
    otherMessage[0] ^= 1;
    List<Vector> vectors = new ArrayList<>();
    vectors.add(new Vector("valid", MESSAGE, SIGNATURE, true));
    // ECDSA accepts (r, n - s) as well as (r, s), and JWS (RFC 7518) does not forbid it: both
    // providers must accept it, as the JDK's always has.
    vectors.add(new Vector("malleable high S (r, n-s)", MESSAGE, p1363(r, N.subtract(s)), true));
    vectors.add(new Vector("other message", otherMessage, SIGNATURE, false));
    vectors.add(new Vector("r + 1", MESSAGE, p1363(r.add(BigInteger.ONE), s), false));
    vectors.add(new Vector("s + 1", MESSAGE, p1363(r, s.add(BigInteger.ONE)), false));
    vectors.add(new Vector("r and s swapped", MESSAGE, p1363(s, r), false));
    vectors.add(new Vector("r = s = 0", MESSAGE, new byte[64], false));
    vectors.add(new Vector("r = 0", MESSAGE, p1363(BigInteger.ZERO, s), false));
    vectors.add(new Vector("s = 0", MESSAGE, p1363(r, BigInteger.ZERO), false));
    vectors.add(new Vector("r = s = 1", MESSAGE, p1363(BigInteger.ONE, BigInteger.ONE), false));
    vectors.add(new Vector("r = s = n", MESSAGE, p1363(N, N), false));
    vectors.add(new Vector("s = n", MESSAGE, p1363(r, N), false));
    vectors.add(new Vector("r = n - 1, s = n - 1", MESSAGE, p1363(N.subtract(BigInteger.ONE), N.subtract(BigInteger.ONE)),
        false));
    vectors.add(new Vector("s + n (mod 2^256)", MESSAGE,
        p1363(r, s.add(N).mod(BigInteger.TWO.pow(256))), false));
    vectors.add(new Vector("all ones", MESSAGE, filled(64, 0xff), false));
    vectors.add(new Vector("truncated to 63 bytes", MESSAGE, Arrays.copyOf(SIGNATURE, 63), false));
    vectors.add(new Vector("truncated to 32 bytes (r only)", MESSAGE, Arrays.copyOf(SIGNATURE, 32), false));
    vectors.add(new Vector("empty", MESSAGE, new byte[0], false));
    vectors.add(new Vector("one byte appended", MESSAGE, Arrays.copyOf(SIGNATURE, 65), false));
    vectors.add(new Vector("r and s each zero-padded to 33 bytes", MESSAGE, padded(SIGNATURE, 33), false));
    vectors.add(new Vector("DER encoding where JWS has R||S", MESSAGE, der(SIGNATURE), false));
    vectors.add(new Vector("ES384-sized signature (96 bytes)", MESSAGE, Arrays.copyOf(SIGNATURE, 96), false));
    return vectors;
  }

  static Stream<Object[]> es256Cases() {
    return providers().stream().flatMap(p -> es256Vectors().stream().map(v -> new Object[] {p, v}));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("es256Cases")
  void es256VectorGivesTheExpectedAnswer(SignatureProvider provider, Vector vector) throws Exception {
    JWSVerifier verifier = SigningAlgorithm.ES256.verifier(KEY, provider);
    assertEquals(vector.valid(), verify(verifier, ES256, vector), vector.name());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void es256SignatureOfAnotherKeyIsRefused(SignatureProvider provider) throws Exception {
    ECKey other = new ECKeyGenerator(Curve.P_256).generate();
    JWSVerifier verifier = SigningAlgorithm.ES256.verifier(other.toPublicJWK(), provider);
    assertFalse(verifier.verify(ES256, MESSAGE, Base64URL.encode(SIGNATURE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void es256RefusesAKeyOnAnotherCurve(SignatureProvider provider) throws Exception {
    ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
    assertThrows(JOSEException.class, () -> SigningAlgorithm.ES256.verifier(p384.toPublicJWK(), provider));
    OctetKeyPair ed = OctetKeyPair.parse(edJwk());
    assertThrows(JOSEException.class, () -> SigningAlgorithm.ES256.verifier(ed, provider));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void es256SignaturesMadeOnEachProviderVerifyOnTheOthers(SignatureProvider signing) throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).generate();
    Base64URL signature = signing.signer(key).sign(ES256, MESSAGE);
    assertEquals(64, signature.decode().length);
    for (SignatureProvider verifying : providers()) {
      assertTrue(SigningAlgorithm.ES256.verifier(key.toPublicJWK(), verifying).verify(ES256, MESSAGE, signature),
          signing + " -> " + verifying);
    }
    // And the JDK's own signer, independent of this class, is understood by every provider.
    Base64URL jdkMade = new ECDSASigner(key).sign(ES256, MESSAGE);
    assertTrue(SigningAlgorithm.ES256.verifier(key.toPublicJWK(), signing).verify(ES256, MESSAGE, jdkMade));
  }

  static List<Vector> eddsaVectors() {
    byte[] sPlusL = ED_SIGNATURE.clone();
    BigInteger sValue = littleEndian(Arrays.copyOfRange(ED_SIGNATURE, 32, 64));
    System.arraycopy(toLittleEndian(sValue.add(L), 32), 0, sPlusL, 32, 32);
    byte[] flippedR = ED_SIGNATURE.clone();
    flippedR[0] ^= 1;
    byte[] flippedS = ED_SIGNATURE.clone();
    flippedS[40] ^= 1;
    return List.of(
        new Vector("valid (RFC 8032 test 1)", new byte[0], ED_SIGNATURE, true),
        new Vector("other message", new byte[] {0}, ED_SIGNATURE, false),
        new Vector("R altered", new byte[0], flippedR, false),
        new Vector("S altered", new byte[0], flippedS, false),
        new Vector("malleable S + L", new byte[0], sPlusL, false),
        new Vector("all zeros", new byte[0], new byte[64], false),
        new Vector("truncated to 63 bytes", new byte[0], Arrays.copyOf(ED_SIGNATURE, 63), false),
        new Vector("one byte appended", new byte[0], Arrays.copyOf(ED_SIGNATURE, 65), false),
        new Vector("empty", new byte[0], new byte[0], false));
  }

  static Stream<Object[]> eddsaCases() {
    return providers().stream().flatMap(p -> eddsaVectors().stream().map(v -> new Object[] {p, v}));
  }

  /** EdDSA is served by Tink inside Nimbus whatever the provider; the answers must not change with it. */
  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("eddsaCases")
  void eddsaVectorGivesTheExpectedAnswer(SignatureProvider provider, Vector vector) throws Exception {
    JWSVerifier verifier = SigningAlgorithm.EDDSA.verifier(OctetKeyPair.parse(edJwk()), provider);
    assertEquals(vector.valid(), verify(verifier, EDDSA, vector), vector.name());
  }

  @Test
  void eddsaRefusesAnEcKey() {
    assertThrows(JOSEException.class,
        () -> SigningAlgorithm.EDDSA.verifier(KEY, SignatureProviders.select(CryptoProviderChoice.JDK)));
  }

  /** A verifier's answer; an exception while verifying counts as a refusal, as it does for a token. */
  private static boolean verify(JWSVerifier verifier, JWSHeader header, Vector vector) {
    try {
      return verifier.verify(header, vector.message(), Base64URL.encode(vector.signature()));
    } catch (JOSEException e) {
      return false;
    }
  }

  private static String edJwk() {
    return "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Base64URL.encode(ED_PUBLIC) + "\"}";
  }

  private static byte[] p1363(BigInteger r, BigInteger s) {
    byte[] out = new byte[64];
    System.arraycopy(fixed(r, 32), 0, out, 0, 32);
    System.arraycopy(fixed(s, 32), 0, out, 32, 32);
    return out;
  }

  /** {@code value} big-endian in exactly {@code size} bytes (the value must fit). */
  private static byte[] fixed(BigInteger value, int size) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[size];
    int copy = Math.min(raw.length, size);
    System.arraycopy(raw, raw.length - copy, out, size - copy, copy);
    return out;
  }

  private static byte[] padded(byte[] signature, int half) {
    byte[] out = new byte[2 * half];
    System.arraycopy(signature, 0, out, half - 32, 32);
    System.arraycopy(signature, 32, out, 2 * half - 32, 32);
    return out;
  }

  private static byte[] der(byte[] signature) {
    try {
      return ECDSA.transcodeSignatureToDER(signature);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] filled(int length, int value) {
    byte[] out = new byte[length];
    Arrays.fill(out, (byte) value);
    return out;
  }

  private static BigInteger littleEndian(byte[] bytes) {
    byte[] big = bytes.clone();
    for (int i = 0; i < big.length / 2; i++) {
      byte t = big[i];
      big[i] = big[big.length - 1 - i];
      big[big.length - 1 - i] = t;
    }
    return new BigInteger(1, big);
  }

  private static byte[] toLittleEndian(BigInteger value, int size) {
    byte[] big = fixed(value, size);
    byte[] out = new byte[size];
    for (int i = 0; i < size; i++) {
      out[i] = big[size - 1 - i];
    }
    return out;
  }
}
