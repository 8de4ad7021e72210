package dev.gatehouse.gateway.mutate;

import io.netty.util.NetUtil;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies allowed to tell the gateway who the client is, as CIDR blocks, and the rule that
 * turns a connection into the client address recorded in logs, audit and rate limits.
 *
 * <h3>Guarantees</h3>
 * <ul>
 *   <li>Default: trust nobody ({@link #NONE}); the client address is the connection's peer and
 *       every {@code X-Forwarded-For} is ignored (oauth2-proxy CVE-2026-40575 and #3506).</li>
 *   <li>{@code X-Forwarded-For} is read only when the peer is trusted, right to left, skipping
 *       trusted hops; the first untrusted hop is the client. Entries left of it were written by
 *       the client and are never used. If a hop is not a literal IP address, the last trusted
 *       hop is recorded instead of guessing.</li>
 *   <li>{@code Forwarded} (RFC 7239) and other client-address headers are never read.</li>
 *   <li>No name resolution: only literal addresses are parsed, in configuration and in headers.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class TrustedProxies {

  /** Trust no proxy. */
  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<Cidr> blocks;

  private TrustedProxies(List<Cidr> blocks) {
    this.blocks = blocks;
  }

  /**
   * @param cidrs blocks such as {@code 10.0.0.0/8}, {@code 2001:db8::/32} or single addresses
   * @throws IllegalArgumentException naming the entry that is not a literal address or CIDR, has
   *     host bits set, or has prefix length 0 (which would trust every client)
   */
  public static TrustedProxies of(List<String> cidrs) {
    List<Cidr> blocks = new ArrayList<>(cidrs.size());
    for (String text : cidrs) {
      blocks.add(Cidr.parse(text));
    }
    return new TrustedProxies(List.copyOf(blocks));
  }

  /** Whether {@code address} (a literal IP address) lies in a trusted block. */
  public boolean contains(String address) {
    byte[] bytes = literal(address);
    return bytes != null && contains(bytes);
  }

  /**
   * The client address to record and to rate-limit by, in canonical text form.
   *
   * @param peerAddress the connection's remote address ({@code request.remoteAddress().hostAddress()})
   * @param headers the request headers as received
   */
  public String clientAddress(String peerAddress, MultiMap headers) {
    byte[] peer = literal(peerAddress);
    if (peer == null) {
      return peerAddress;
    }
    String client = NetUtil.bytesToIpAddress(peer);
    if (!contains(peer)) {
      return client;
    }
    List<String> hops = new ArrayList<>();
    for (String value : headers.getAll("X-Forwarded-For")) {
      for (String hop : value.split(",", -1)) {
        hops.add(hop.trim());
      }
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      byte[] hop = literal(hops.get(i));
      if (hop == null) {
        return client;
      }
      client = NetUtil.bytesToIpAddress(hop);
      if (!contains(hop)) {
        return client;
      }
    }
    return client;
  }

  private boolean contains(byte[] address) {
    for (Cidr block : blocks) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The address as 4 or 16 bytes (IPv4-mapped IPv6 as IPv4), or {@code null} if not a literal. */
  static byte[] literal(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
    if (bytes == null || bytes.length == 4) {
      return bytes;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return bytes;
      }
    }
    if (bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff) {
      return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
    }
    return bytes;
  }

  /** One block: network bytes and prefix length. */
  private record Cidr(byte[] network, int prefix) {

    static Cidr parse(String text) {
      String entry = text == null ? "" : text.trim();
      int slash = entry.indexOf('/');
      byte[] network = literal(slash < 0 ? entry : entry.substring(0, slash));
      if (network == null) {
        throw new IllegalArgumentException("trusted proxy '" + entry + "' is not an IP address or CIDR block");
      }
      int max = network.length * 8;
      int prefix = max;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 1 || prefix > max) {
          throw new IllegalArgumentException("trusted proxy '" + entry + "' needs a prefix length between 1 and " + max
              + " (0 would trust every client)");
        }
      }
      Cidr block = new Cidr(network, prefix);
      if (hasHostBits(network, prefix)) {
        throw new IllegalArgumentException("trusted proxy '" + entry + "' has host bits set");
      }
      return block;
    }

    private static boolean hasHostBits(byte[] network, int prefix) {
      for (int bit = prefix; bit < network.length * 8; bit++) {
        if ((network[bit / 8] & (0x80 >> (bit % 8))) != 0) {
          return true;
        }
      }
      return false;
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }
}
