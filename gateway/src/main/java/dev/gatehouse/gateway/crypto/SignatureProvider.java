package dev.gatehouse.gateway.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import java.security.Provider;

/**
 * The JCA provider that creates and verifies ES256 (ECDSA on P-256 with SHA-256) signatures,
 * chosen once at start by {@link SignatureProviders#select}. It is handed only to the Nimbus
 * signers and verifiers built here (their JCA context); it is never installed in the JVM, so TLS,
 * Tink, the secrets module and every other JCA use keep the JDK's providers. EdDSA is not served
 * by JCA at all: Nimbus verifies Ed25519 with Tink, whichever provider this is.
 */
public final class SignatureProvider {

  /** Null for the JDK's default lookup ({@code SunEC}), exactly as Nimbus does without a provider. */
  private final Provider provider;
  private final String description;

  SignatureProvider(Provider provider, String description) {
    this.provider = provider;
    this.description = description;
  }

  /** What {@code GET /admin/v1/status} reports, e.g. {@code AmazonCorrettoCryptoProvider 2.5.0} or {@code SunEC}. */
  public String description() {
    return description;
  }

  /** True when a native-backed provider serves ES256, false for the JDK's. */
  public boolean nativeBacked() {
    return provider != null;
  }

  /** An ES256 verifier for {@code publicKey} that runs on this provider. */
  public ECDSAVerifier verifier(ECKey publicKey) throws JOSEException {
    ECDSAVerifier verifier = new ECDSAVerifier(publicKey);
    verifier.getJCAContext().setProvider(provider);
    return verifier;
  }

  /** An ES256 signer for {@code privateKey} that runs on this provider. */
  public ECDSASigner signer(ECKey privateKey) throws JOSEException {
    ECDSASigner signer = new ECDSASigner(privateKey);
    signer.getJCAContext().setProvider(provider);
    return signer;
  }

  @Override
  public String toString() {
    return description;
  }
}
