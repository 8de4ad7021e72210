package dev.gatehouse.auditdetector.checkpoint;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.testsupport.EcdsaTestSigner;
import java.security.GeneralSecurityException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CheckpointTest {

  private final EcdsaTestSigner signer = new EcdsaTestSigner();
  private final ChainHash hash = ChainHash.fromHex("ab".repeat(32));

  @Test
  void a_signed_checkpoint_verifies() throws GeneralSecurityException {
    Checkpoint checkpoint = Checkpoint.sign("node-1", 42, hash, Instant.now(), signer);
    assertTrue(checkpoint.signatureValid(signer));
  }

  @Test
  void a_checkpoint_with_an_altered_sequence_does_not_verify() throws GeneralSecurityException {
    Checkpoint checkpoint = Checkpoint.sign("node-1", 42, hash, Instant.now(), signer);
    Checkpoint altered = new Checkpoint("node-1", 43, hash, checkpoint.createdAt(), checkpoint.keyId(),
        checkpoint.signature());
    assertFalse(altered.signatureValid(signer));
  }

  @Test
  void a_checkpoint_with_an_altered_hash_does_not_verify() throws GeneralSecurityException {
    Checkpoint checkpoint = Checkpoint.sign("node-1", 42, hash, Instant.now(), signer);
    Checkpoint altered = new Checkpoint("node-1", 42, ChainHash.GENESIS, checkpoint.createdAt(),
        checkpoint.keyId(), checkpoint.signature());
    assertFalse(altered.signatureValid(signer));
  }

  @Test
  void checkpoints_signed_before_a_key_rotation_still_verify() throws GeneralSecurityException {
    Checkpoint before = Checkpoint.sign("node-1", 1, hash, Instant.now(), signer);
    signer.rotate();
    Checkpoint after = Checkpoint.sign("node-1", 2, hash, Instant.now(), signer);
    assertTrue(before.signatureValid(signer));
    assertTrue(after.signatureValid(signer));
  }

  @Test
  void a_checkpoint_naming_an_unknown_key_does_not_verify() throws GeneralSecurityException {
    Checkpoint checkpoint = Checkpoint.sign("node-1", 42, hash, Instant.now(), signer);
    Checkpoint renamed = new Checkpoint("node-1", 42, hash, checkpoint.createdAt(), "unknown-key",
        checkpoint.signature());
    assertFalse(renamed.signatureValid(signer));
  }

  @Test
  void a_checkpoint_at_sequence_zero_is_rejected() {
    assertThrows(IllegalArgumentException.class,
        () -> new Checkpoint("node-1", 0, hash, Instant.now(), "k", new byte[] {1}));
  }
}
