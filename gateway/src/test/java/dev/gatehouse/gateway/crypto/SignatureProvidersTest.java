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
import java.util.Locale;
import org.junit.jupiter.api.Test;

class SignatureProvidersTest {

  /** The platform the native provider ships for; there it must load, or the choice is wrong. */
  static boolean nativePlatform() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")
        && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  @Test
  void autoChoosesTheNativeProviderOnLinuxX8664AndTheJdksElsewhere() {
    SignatureProvider selected = SignatureProviders.select(CryptoProviderChoice.AUTO);
    if (nativePlatform()) {
      assertTrue(selected.nativeBacked(), "the native provider must load on linux-x86_64, got " + selected);
      assertEquals("AmazonCorrettoCryptoProvider 2.5.0", selected.description());
    } else {
      assertFalse(selected.nativeBacked());
      assertEquals("SunEC", selected.description());
    }
  }

  @Test
  void jdkChoiceNeverUsesTheNativeProvider() {
    SignatureProvider selected = SignatureProviders.select(CryptoProviderChoice.JDK);
    assertFalse(selected.nativeBacked());
    assertEquals("SunEC", selected.description());
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
    if (nativePlatform()) {
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
