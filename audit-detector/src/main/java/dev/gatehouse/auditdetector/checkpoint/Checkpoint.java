package dev.gatehouse.auditdetector.checkpoint;

import dev.gatehouse.auditdetector.chain.CanonicalEncoding;
import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A signed statement "node {@code nodeId}'s chain had hash {@code hash} at sequence {@code seq}".
 * A checkpoint pins the chain: rewriting any earlier event, even with every later hash
 * recomputed, no longer matches a checkpoint unless the attacker also holds the signing key.
 *
 * <p>Signed payload, version 1:
 * <pre>
 * "GHCKPT01" | uint32 length + UTF-8 node_id | int64 seq | 32-byte hash
 *            | int64 created_at (microseconds since the epoch) | uint32 length + UTF-8 key_id
 * </pre>
 * (integers big-endian).
 *
 * @param nodeId node whose chain is pinned
 * @param seq sequence number of the pinned event
 * @param hash chain hash of that event
 * @param createdAt when the checkpoint was made (microsecond precision)
 * @param keyId signing key id
 * @param signature signature over {@link #payload()}
 */
public record Checkpoint(String nodeId, long seq, ChainHash hash, Instant createdAt, String keyId, byte[] signature) {

  private static final byte[] MAGIC = "GHCKPT01".getBytes(StandardCharsets.US_ASCII);

  /** Validates the fields. */
  public Checkpoint {
    ChainedEvent.requireNodeId(nodeId);
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be positive");
    }
    Objects.requireNonNull(hash, "hash");
    createdAt = Objects.requireNonNull(createdAt, "createdAt").truncatedTo(ChronoUnit.MICROS);
    Objects.requireNonNull(keyId, "keyId");
    signature = Objects.requireNonNull(signature, "signature").clone();
  }

  /** The signature bytes (a copy). */
  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The bytes that are signed. */
  public byte[] payload() {
    return payload(nodeId, seq, hash, createdAt, keyId);
  }

  /**
   * Signs a new checkpoint.
   *
   * @throws java.security.GeneralSecurityException if the signer fails
   */
  public static Checkpoint sign(String nodeId, long seq, ChainHash hash, Instant createdAt,
      CheckpointSigner signer) throws java.security.GeneralSecurityException {
    Instant micros = createdAt.truncatedTo(ChronoUnit.MICROS);
    String keyId = signer.keyId();
    byte[] signature = signer.sign(payload(nodeId, seq, hash, micros, keyId));
    return new Checkpoint(nodeId, seq, hash, micros, keyId, signature);
  }

  /** Whether the signature is valid according to {@code signer}. */
  public boolean signatureValid(CheckpointSigner signer) {
    return signer.verify(keyId, payload(), signature);
  }

  private static byte[] payload(String nodeId, long seq, ChainHash hash, Instant createdAt, String keyId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.writeBytes(MAGIC);
    writeText(out, nodeId);
    out.writeBytes(ByteBuffer.allocate(Long.BYTES).putLong(seq).array());
    out.writeBytes(hash.bytes());
    out.writeBytes(ByteBuffer.allocate(Long.BYTES).putLong(CanonicalEncoding.epochMicros(createdAt)).array());
    writeText(out, keyId);
    return out.toByteArray();
  }

  private static void writeText(ByteArrayOutputStream out, String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(utf8.length).array());
    out.writeBytes(utf8);
  }
}
