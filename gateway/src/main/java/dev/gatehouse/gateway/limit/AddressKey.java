package dev.gatehouse.gateway.limit;

import io.netty.util.NetUtil;

/**
 * The rate-limit key for a client address. An IPv4 address is its own key. An IPv6 address is
 * keyed by its /64 prefix: one subscriber usually holds a whole /64, so keying by full address
 * would hand an attacker 2^64 independent budgets (and let them flush the limiter's memory).
 */
public final class AddressKey {

  private AddressKey() {}

  /**
   * @param address a literal IP address, as decided by the trusted-proxy rules
   * @return the key; anything that is not a literal IP address is returned unchanged
   */
  public static String of(String address) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null || bytes.length == 4) {
      return address;
    }
    if (isIpv4Mapped(bytes)) {
      return (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "." + (bytes[15] & 0xff);
    }
    StringBuilder key = new StringBuilder(24);
    for (int i = 0; i < 8; i += 2) {
      key.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
    }
    return key.append(":/64").toString();
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }
}
