package dev.gatehouse.gateway.workspace;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The runtime entity id of a caller: the one derivation every part of the gateway uses when it
 * tells the runtime who is speaking ({@code entityId}, {@code senderId}, {@code author_id}).
 *
 * <p>Contract: a name-based UUID, version 5 (RFC 9562: SHA-1), in the namespace {@link #NAMESPACE},
 * over the UTF-8 bytes of {@code <w>:<workspace><subject>}, where {@code <w>} is the decimal
 * UTF-8 byte length of the workspace id. The length prefix keeps every (workspace, subject) pair
 * distinct whatever characters the two contain. The same subject in two workspaces gets two
 * unrelated ids; the same pair always gets the same id, on every node.
 */
public final class EntityIds {

  /** Namespace of Gatehouse entity ids. Changing it changes every caller's identity in the runtime. */
  public static final UUID NAMESPACE = UUID.fromString("6bdcc046-9d4e-4bcf-98b5-c66bf4f5e211");

  /**
   * One SHA-1 instance per thread (every proxied request derives its caller's id): looking the
   * algorithm up cost more than the hash. {@link MessageDigest#digest} resets it after each use.
   */
  private static final ThreadLocal<MessageDigest> SHA_1 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
    }
  });

  private EntityIds() {}

  public static UUID of(String workspaceId, String subject) {
    byte[] workspace = workspaceId.getBytes(StandardCharsets.UTF_8);
    byte[] name = (workspace.length + ":" + workspaceId + subject).getBytes(StandardCharsets.UTF_8);
    MessageDigest sha1 = SHA_1.get();
    sha1.update(ByteBuffer.allocate(16)
        .putLong(NAMESPACE.getMostSignificantBits())
        .putLong(NAMESPACE.getLeastSignificantBits())
        .array());
    ByteBuffer hash = ByteBuffer.wrap(sha1.digest(name));
    long msb = hash.getLong();
    long lsb = hash.getLong();
    msb = (msb & ~0xF000L) | 0x5000L;
    lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
