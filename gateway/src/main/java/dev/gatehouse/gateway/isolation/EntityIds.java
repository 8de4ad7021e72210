package dev.gatehouse.gateway.isolation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The runtime entity id of a caller: a name-based UUID (RFC 9562 version 5, SHA-1) of the
 * workspace and subject. Stable across tokens and nodes, distinct per workspace even for equal
 * subjects, and not guessable as another workspace's without knowing both values.
 */
public final class EntityIds {

  /** Namespace of Gatehouse entity ids (a fixed random UUID). */
  static final UUID NAMESPACE = UUID.fromString("5c0f7f4e-9a63-4f3c-8a51-0d6b2f0e9d41");

  private EntityIds() {}

  public static String of(String workspaceId, String subject) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(ByteBuffer.allocate(16).putLong(NAMESPACE.getMostSignificantBits())
          .putLong(NAMESPACE.getLeastSignificantBits()).array());
      // Length-prefixed, so no (workspace, subject) pair can be spelled as another.
      byte[] workspace = workspaceId.getBytes(StandardCharsets.UTF_8);
      sha1.update(ByteBuffer.allocate(4).putInt(workspace.length).array());
      sha1.update(workspace);
      sha1.update(subject.getBytes(StandardCharsets.UTF_8));
      byte[] hash = sha1.digest();
      hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
      hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
      ByteBuffer bits = ByteBuffer.wrap(hash, 0, 16);
      return new UUID(bits.getLong(), bits.getLong()).toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by every Java platform", e);
    }
  }
}
