package dev.gatehouse.gateway.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class AddressKeyTest {

  @Test
  void ipv4_addresses_are_their_own_key() {
    assertEquals("203.0.113.9", AddressKey.of("203.0.113.9"));
    assertNotEquals(AddressKey.of("203.0.113.9"), AddressKey.of("203.0.113.10"));
  }

  @Test
  void ipv6_addresses_share_a_key_per_64_block() {
    assertEquals("2001:db8:1:2::/64", AddressKey.of("2001:db8:1:2:aaaa::1"));
    assertEquals(AddressKey.of("2001:db8:1:2::1"), AddressKey.of("2001:db8:1:2:ffff:ffff:ffff:ffff"));
    assertNotEquals(AddressKey.of("2001:db8:1:2::1"), AddressKey.of("2001:db8:1:3::1"));
  }

  @Test
  void ipv4_mapped_ipv6_is_keyed_as_ipv4() {
    assertEquals("10.1.2.3", AddressKey.of("::ffff:10.1.2.3"));
  }
}
