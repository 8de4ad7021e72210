package dev.gatehouse.gateway.testsupport;

import java.util.Locale;

/**
 * Where the native signature provider ships (linux-x86_64): there it must load, so tests assert
 * it rather than skip when it is missing.
 */
public final class NativeCryptoPlatform {

  public static final String NATIVE = "AmazonCorrettoCryptoProvider 2.5.0";
  public static final String JDK = "SunEC";

  private NativeCryptoPlatform() {}

  public static boolean here() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")
        && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /** What {@code GET /admin/v1/status} reports as {@code signatureProvider} with {@code tokens.cryptoProvider: auto}. */
  public static String expectedProvider() {
    return here() ? NATIVE : JDK;
  }
}
