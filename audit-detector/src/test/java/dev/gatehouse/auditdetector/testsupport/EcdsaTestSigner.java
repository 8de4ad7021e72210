package dev.gatehouse.auditdetector.testsupport;

import dev.gatehouse.auditdetector.checkpoint.CheckpointSigner;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A real ES256 (ECDSA P-256, SHA-256) checkpoint signer with key rotation, on the JDK provider. */
public final class EcdsaTestSigner implements CheckpointSigner {

  private final Map<String, PublicKey> published = new ConcurrentHashMap<>();
  private volatile String keyId;
  private volatile KeyPair current;
  private int generation;

  /** Creates a signer with a fresh key. */
  public EcdsaTestSigner() {
    rotate();
  }

  /** Switches to a new key; earlier keys stay verifiable. */
  public synchronized void rotate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      current = generator.generateKeyPair();
      keyId = "test-key-" + (++generation);
      published.put(keyId, current.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String keyId() {
    return keyId;
  }

  @Override
  public byte[] sign(byte[] payload) throws GeneralSecurityException {
    Signature signature = Signature.getInstance("SHA256withECDSA");
    signature.initSign(current.getPrivate());
    signature.update(payload);
    return signature.sign();
  }

  @Override
  public boolean verify(String keyId, byte[] payload, byte[] signatureBytes) {
    PublicKey key = published.get(keyId);
    if (key == null) {
      return false;
    }
    try {
      Signature signature = Signature.getInstance("SHA256withECDSA");
      signature.initVerify(key);
      signature.update(payload);
      return signature.verify(signatureBytes);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
