package dev.gatehouse.auditdetector.chain;

import dev.gatehouse.auditdetector.event.AuditEvent;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Computes chain hashes: {@code SHA-256(previous hash || canonical encoding)}, see
 * {@link CanonicalEncoding}. Not thread-safe; use one instance per thread.
 */
public final class ChainHasher {

  private final CanonicalEncoding encoding = new CanonicalEncoding();
  private final MessageDigest digest;

  /** Creates a hasher. SHA-256 is mandatory on every Java platform. */
  public ChainHasher() {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** The chain hash of {@code event} at position {@code seq} after {@code previous}. */
  public ChainHash hash(ChainHash previous, String nodeId, long seq, AuditEvent event) {
    encoding.fill(nodeId, seq, event);
    previous.writeTo(digest);
    digest.update(encoding.buffer(), 0, encoding.length());
    return ChainHash.of(digest.digest());
  }

  /** Appends {@code event} to a chain whose last hash is {@code previous}. */
  public ChainedEvent link(String nodeId, long seq, ChainHash previous, AuditEvent event) {
    return new ChainedEvent(nodeId, seq, event, previous, hash(previous, nodeId, seq, event));
  }
}
