package dev.gatehouse.gateway.tls;

import dev.gatehouse.gateway.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * A server certificate chain and its private key, read from PEM and checked to belong together:
 * the key must sign what the certificate's public key verifies. RSA and EC keys, unencrypted
 * (PKCS#8, PKCS#1 or SEC1). Neither {@link #toString()} nor any exception shows the key.
 */
public final class PemKeyPair {

  private static final byte[] PROBE = "gatehouse key pair check".getBytes(StandardCharsets.US_ASCII);

  private final Buffer certificates;
  private final Buffer key;
  private final X509Certificate leaf;

  private PemKeyPair(Buffer certificates, Buffer key, X509Certificate leaf) {
    this.certificates = certificates;
    this.key = key;
    this.leaf = leaf;
  }

  /**
   * @param certKey, keyKey the configuration keys of the two files, named by a failure
   * @throws ConfigException when the certificate file holds no certificate, the key file no
   *     usable key, or the key does not belong to the first certificate
   */
  static PemKeyPair parse(Vertx vertx, Buffer certificates, Buffer key, String certKey, String keyKey) {
    PemFiles.requireCertificates(vertx, certificates, certKey);
    X509KeyManager manager;
    try {
      KeyManagerFactory factory = new PemKeyCertOptions().setCertValue(certificates).setKeyValue(key)
          .getKeyManagerFactory(vertx);
      manager = firstX509(factory.getKeyManagers());
    } catch (Exception e) {
      throw new ConfigException(keyKey, "holds no unencrypted RSA or EC private key in PEM for the certificate of "
          + certKey);
    }
    String alias = alias(manager).orElseThrow(() -> new ConfigException(keyKey,
        "holds no unencrypted RSA or EC private key in PEM for the certificate of " + certKey));
    X509Certificate leaf = manager.getCertificateChain(alias)[0];
    if (!signsFor(manager.getPrivateKey(alias), leaf)) {
      throw new ConfigException(keyKey, "does not match the certificate in " + certKey);
    }
    return new PemKeyPair(certificates.copy(), key.copy(), leaf);
  }

  /** What the listener presents, for Vert.x. */
  PemKeyCertOptions keyCertOptions() {
    return new PemKeyCertOptions().setCertValue(certificates.copy()).setKeyValue(key.copy());
  }

  /** The server certificate's subject, serial number and expiry, for logs. */
  String describe() {
    return "subject=\"" + leaf.getSubjectX500Principal().getName() + "\" serial=" + leaf.getSerialNumber().toString(16)
        + " notAfter=" + leaf.getNotAfter().toInstant();
  }

  @Override
  public String toString() {
    return "PemKeyPair[" + describe() + "]";
  }

  private static X509KeyManager firstX509(KeyManager[] managers) {
    for (KeyManager manager : managers) {
      if (manager instanceof X509KeyManager x509) {
        return x509;
      }
    }
    throw new IllegalStateException("no X.509 key manager");
  }

  private static Optional<String> alias(X509KeyManager manager) {
    for (String type : List.of("RSA", "EC")) {
      String[] aliases = manager.getServerAliases(type, null);
      if (aliases != null && aliases.length > 0) {
        return Optional.of(aliases[0]);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  private static boolean signsFor(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> null;
    };
    if (algorithm == null) {
      return false;
    }
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
