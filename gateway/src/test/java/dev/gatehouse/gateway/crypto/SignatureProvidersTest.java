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
