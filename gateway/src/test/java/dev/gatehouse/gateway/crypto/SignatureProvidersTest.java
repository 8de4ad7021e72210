package dev.gatehouse.gateway.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SignatureSpi;
import java.util.List;
import org.slf4j.LoggerFactory;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.gatehouse.gateway.keys.SigningAlgorithm;
import dev.gatehouse.gateway.testsupport.NativeCryptoPlatform;
import org.junit.jupiter.api.Test;

class SignatureProvidersTest {

  @Test
  void autoChoosesTheNativeProviderOnLinuxX8664AndTheJdksElsewhere() {
    SignatureProvider selected = SignatureProviders.select(CryptoProviderChoice.AUTO);
    assertEquals(NativeCryptoPlatform.expectedProvider(), selected.description());
    assertEquals(NativeCryptoPlatform.here(), selected.nativeBacked());
  }

  @Test
  void jdkChoiceNeverUsesTheNativeProvider() {
    SignatureProvider selected = SignatureProviders.select(CryptoProviderChoice.JDK);
    assertFalse(selected.nativeBacked());
    assertEquals(NativeCryptoPlatform.JDK, selected.description());
  }

  @Test
  void autoFallsBackToTheJdksProviderWhenTheNativeOneFailsItsSelfTestAndSaysWhy() {
    List<String> warnings = warningsDuring(() -> {
      SignatureProvider selected = SignatureProviders.select(CryptoProviderChoice.AUTO,
          () -> new SignatureProvider(new FixedAnswerProvider(true), "lax"));
      assertFalse(selected.nativeBacked());
      assertEquals(NativeCryptoPlatform.JDK, selected.description());
    });
    assertEquals(List.of("signature provider: SunEC; the native provider is not used: GeneralSecurityException: "
        + "self-test: an altered signature was accepted"), warnings);
  }

  @Test
  void autoFallsBackToTheJdksProviderWhenTheNativeLibraryDoesNotLoad() {
    List<String> warnings = warningsDuring(() -> {
      SignatureProvider selected = SignatureProviders.select(CryptoProviderChoice.AUTO, () -> {
        throw new UnsatisfiedLinkError("no native library for this platform");
      });
      assertEquals(NativeCryptoPlatform.JDK, selected.description());
    });
    assertEquals(List.of("signature provider: SunEC; the native provider is not used: UnsatisfiedLinkError: "
        + "no native library for this platform"), warnings);
  }

  static List<String> warningsDuring(Runnable action) {
    Logger logger = (Logger) LoggerFactory.getLogger(SignatureProviders.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    logger.addAppender(captured);
    try {
      action.run();
    } finally {
      logger.detachAppender(captured);
    }
    return captured.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** ES256 verifiers made for a key run on the chosen provider: here one that accepts anything. */
  @Test
  void es256VerifiersRunOnTheChosenProviderAndEdDsaDoesNot() throws Exception {
    SignatureProvider lax = new SignatureProvider(new FixedAnswerProvider(true), "lax");
    ECKey ec = new ECKeyGenerator(Curve.P_256).generate().toPublicJWK();
    byte[] garbage = new byte[64];
    garbage[0] = 1;
    garbage[63] = 1;
    assertTrue(SigningAlgorithm.ES256.verifier(ec, lax)
        .verify(new JWSHeader(JWSAlgorithm.ES256), new byte[] {1}, Base64URL.encode(garbage)));
    assertFalse(SigningAlgorithm.ES256.verifier(ec, SignatureProviders.jdk())
        .verify(new JWSHeader(JWSAlgorithm.ES256), new byte[] {1}, Base64URL.encode(garbage)));
    OctetKeyPair ed = new OctetKeyPairGenerator(Curve.Ed25519).generate().toPublicJWK();
    assertFalse(SigningAlgorithm.EDDSA.verifier(ed, lax)
        .verify(new JWSHeader(JWSAlgorithm.EdDSA), new byte[] {1}, Base64URL.encode(garbage)));
  }

  @Test
  void selfTestRefusesAProviderThatAcceptsEverySignature() {
    SignatureProvider lax = new SignatureProvider(new FixedAnswerProvider(true), "lax");
    assertThrows(GeneralSecurityException.class, () -> SignatureProviders.selfTest(lax));
  }

  @Test
  void selfTestRefusesAProviderThatAcceptsNothing() {
    SignatureProvider strict = new SignatureProvider(new FixedAnswerProvider(false), "strict");
    assertThrows(GeneralSecurityException.class, () -> SignatureProviders.selfTest(strict));
  }

  @Test
  void selfTestPassesOnBothRealProviders() throws Exception {
    SignatureProviders.selfTest(SignatureProviders.jdk());
    if (NativeCryptoPlatform.here()) {
      SignatureProviders.selfTest(SignatureProviders.nativeProvider());
    }
  }

  /** A provider whose SHA256withECDSA answers every verification the same way (and signs garbage). */
  static final class FixedAnswerProvider extends Provider {
    private static final long serialVersionUID = 1L;

    FixedAnswerProvider(boolean answer) {
      super("FixedAnswer" + answer, "1", "test provider");
      put("Signature.SHA256withECDSA", answer ? Accepting.class.getName() : Refusing.class.getName());
    }
  }

  /** Verifies everything. */
  public static final class Accepting extends FixedSpi {
    @Override
    protected boolean engineVerify(byte[] sigBytes) {
      return true;
    }
  }

  /** Verifies nothing. */
  public static final class Refusing extends FixedSpi {
    @Override
    protected boolean engineVerify(byte[] sigBytes) {
      return false;
    }
  }

  abstract static class FixedSpi extends SignatureSpi {
    @Override
    protected void engineInitVerify(PublicKey publicKey) {}

    @Override
    protected void engineInitSign(PrivateKey privateKey) {}

    @Override
    protected void engineUpdate(byte b) {}

    @Override
    protected void engineUpdate(byte[] b, int off, int len) {}

    @Override
    protected byte[] engineSign() {
      // A well-formed DER SEQUENCE of two INTEGERs 1, so Nimbus can transcode it.
      return new byte[] {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
    }

    @Override
    @SuppressWarnings("deprecation")
    protected void engineSetParameter(String param, Object value) {}

    @Override
    @SuppressWarnings("deprecation")
    protected Object engineGetParameter(String param) {
      return null;
    }
  }
}
