package dev.gatehouse.auditdetector.checkpoint;

import java.security.GeneralSecurityException;

/**
 * SPI: signs and verifies checkpoint payloads with the gateway's signing key (ES256 by default).
 *
 * <p>Implementations must be thread-safe. {@link #sign} is called from a worker thread (never an
 * event loop), so it may block briefly (an HSM or KMS call). {@link #verify} must accept
 * signatures made by earlier keys that are still published, identified by key id, so that
 * checkpoints survive key rotation; it returns {@code false} for an unknown key id or an invalid
 * signature and never throws for bad input.
 */
public interface CheckpointSigner {

  /** Id of the key {@link #sign} currently uses; stored with each checkpoint. */
  String keyId();

  /**
   * Signs {@code payload} with the key named by {@link #keyId()}.
   *
   * @throws GeneralSecurityException if the key is unavailable or signing fails
   */
  byte[] sign(byte[] payload) throws GeneralSecurityException;

  /** Whether {@code signature} is a valid signature of {@code payload} by key {@code keyId}. */
  boolean verify(String keyId, byte[] payload, byte[] signature);
}
