package dev.gatehouse.gateway.mutate;

import dev.gatehouse.gateway.authn.Principal;
import io.netty.util.NetUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Who the runtime is told the client is, in the {@code X-Forwarded-For} the gateway sends.
 *
 * <ul>
 *   <li>{@link #ADDRESS}: the client address decided by {@link TrustedProxies} (the default).</li>
 *   <li>{@link #WORKSPACE}: for an authenticated request, an address that stands for the
 *       token's workspace; for an anonymous one, the client address. A runtime that keys its own
 *       limits by client address (elizaOS: 1,000 requests per 15 minutes per {@code req.ip})
 *       then gives every workspace a budget of its own, instead of one budget shared by every
 *       workspace behind the gateway's single address. The runtime must trust
 *       {@code X-Forwarded-For} from the gateway only (the managed runtime trusts loopback).</li>
 * </ul>
 *
 * <p>A workspace address is {@code fdXX:XXXX:XXXX:XXXX::1}: the unique-local prefix
 * {@code fd00::/8} followed by the first 56 bits of SHA-256 over the workspace id. It is stable
 * across nodes and restarts, and two workspaces share one only by a hash collision in 56 bits
 * (the elizaOS limiter keys IPv6 clients by /56, so the hash fills exactly the bits it reads).
 * Such addresses are never routed, so they cannot be confused with a real client.
 */
public enum ClientIdentity {
  ADDRESS,
  WORKSPACE;

  /** Prefix byte of IPv6 unique-local addresses with a locally assigned global id (RFC 4193). */
  private static final byte UNIQUE_LOCAL = (byte) 0xfd;
  private static final int HASH_BYTES = 7;

  /**
   * @param clientAddress from {@link TrustedProxies#clientAddress}
   * @param principal the authenticated caller, if any
   * @return the value for {@code X-Forwarded-For}
   */
  public String forwardedFor(String clientAddress, Optional<Principal> principal) {
    if (this == WORKSPACE && principal.isPresent()) {
      return workspaceAddress(principal.get().workspace());
    }
    return clientAddress;
  }

  /** The address that stands for {@code workspace}; see the class description. */
  public static String workspaceAddress(String workspace) {
    byte[] hash = sha256(workspace.getBytes(StandardCharsets.UTF_8));
    byte[] address = new byte[16];
    address[0] = UNIQUE_LOCAL;
    System.arraycopy(hash, 0, address, 1, HASH_BYTES);
    address[15] = 1;
    return NetUtil.bytesToIpAddress(address);
  }

  /** {@code address} or {@code workspace}, as in {@code upstream.clientIdentity}. */
  public static Optional<ClientIdentity> fromId(String id) {
    for (ClientIdentity identity : values()) {
      if (identity.name().equalsIgnoreCase(id)) {
        return Optional.of(identity);
      }
    }
    return Optional.empty();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
