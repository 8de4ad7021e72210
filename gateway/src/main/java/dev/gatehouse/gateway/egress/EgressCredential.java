package dev.gatehouse.gateway.egress;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The opaque credential an agent presents to the egress listener in place of a provider key:
 * {@code ghe_<public id>_<secret>}, a 16-hex-digit public id (what lists, audit events and
 * revocations name) and 32 random bytes (base64url). Only the SHA-256 of the whole credential is
 * stored. {@link #toString()} never shows the secret.
 */
public final class EgressCredential {

  public static final String PREFIX = "ghe_";
  private static final Pattern FORMAT = Pattern.compile("ghe_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String publicId;
  private final String value;

  private EgressCredential(String publicId, String value) {
    this.publicId = publicId;
    this.value = value;
  }

  /** A new random credential. */
  static EgressCredential generate() {
    byte[] id = new byte[8];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    String publicId = HexFormat.of().formatHex(id);
    return new EgressCredential(publicId,
        PREFIX + publicId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
  }

  /** The credential {@code text} if it has the credential's shape; nothing is looked up. */
  static Optional<EgressCredential> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    var match = FORMAT.matcher(text);
    return match.matches() ? Optional.of(new EgressCredential(match.group(1), text)) : Optional.empty();
  }

  public String publicId() {
    return publicId;
  }

  /** The whole credential: give it to the agent once, never log it. */
  public String reveal() {
    return value;
  }

  /** What the database stores. */
  byte[] hash() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** Whether this credential is the one {@code storedHash} was made of (constant time). */
  boolean matches(byte[] storedHash) {
    return MessageDigest.isEqual(hash(), storedHash);
  }

  @Override
  public String toString() {
    return "EgressCredential[" + publicId + "]";
  }
}
