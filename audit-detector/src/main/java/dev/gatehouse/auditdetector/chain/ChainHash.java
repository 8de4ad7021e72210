package dev.gatehouse.auditdetector.chain;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A SHA-256 value in a node's hash chain. Immutable; equality is constant-time over the bytes.
 */
public final class ChainHash {

  /** Length of a chain hash in bytes. */
  public static final int LENGTH = 32;

  /** The previous hash of a node's first event (sequence 1): 32 zero bytes. */
  public static final ChainHash GENESIS = new ChainHash(new byte[LENGTH]);

  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private ChainHash(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Wraps a copy of {@code bytes}.
   *
   * @throws IllegalArgumentException unless exactly {@link #LENGTH} bytes are given
   */
  public static ChainHash of(byte[] bytes) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new IllegalArgumentException("chain hash must be " + LENGTH + " bytes");
    }
    return new ChainHash(bytes.clone());
  }

  /**
   * Parses 64 lowercase or uppercase hex digits.
   *
   * @throws IllegalArgumentException if {@code hex} is not a 32-byte hex string
   */
  public static ChainHash fromHex(String hex) {
    if (hex == null || hex.length() != LENGTH * 2) {
      throw new IllegalArgumentException("chain hash must be " + LENGTH * 2 + " hex digits");
    }
    return new ChainHash(HEX.parseHex(hex));
  }

  /** A copy of the hash bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Lowercase hex, as used in JSON and in the spool. */
  public String hex() {
    return HEX.formatHex(bytes);
  }

  void writeTo(MessageDigest digest) {
    digest.update(bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ChainHash that && MessageDigest.isEqual(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
