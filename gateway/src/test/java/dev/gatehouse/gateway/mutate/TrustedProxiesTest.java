package dev.gatehouse.gateway.mutate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrustedProxiesTest {

  final TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8", "2001:db8::/32", "192.0.2.7"));

  static MultiMap forwardedFor(String... values) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (String value : values) {
      headers.add("X-Forwarded-For", value);
    }
    return headers;
  }

  @Test
  void spoofed_forwarded_for_from_an_untrusted_address_is_ignored() {
    assertEquals("203.0.113.9", proxies.clientAddress("203.0.113.9", forwardedFor("198.51.100.1")));
  }

  @Test
  void nobody_is_trusted_by_default() {
    assertEquals("10.1.2.3", TrustedProxies.NONE.clientAddress("10.1.2.3", forwardedFor("198.51.100.1")));
  }

  @Test
  void forwarded_for_from_a_trusted_proxy_names_the_client() {
    assertEquals("198.51.100.7", proxies.clientAddress("10.1.2.3", forwardedFor("198.51.100.7")));
  }

  @Test
  void entries_left_of_the_first_untrusted_hop_are_the_clients_own_and_ignored() {
    assertEquals("198.51.100.7", proxies.clientAddress("10.1.2.3", forwardedFor("6.6.6.6, 198.51.100.7")));
  }

  @Test
  void trusted_hops_are_skipped_right_to_left_across_header_lines() {
    assertEquals("198.51.100.7", proxies.clientAddress("10.1.2.3", forwardedFor("6.6.6.6, 198.51.100.7", "10.9.9.9")));
  }

  @Test
  void a_malformed_hop_stops_at_the_last_trusted_hop() {
    assertEquals("10.9.9.9", proxies.clientAddress("10.1.2.3", forwardedFor("198.51.100.7, evil.example, 10.9.9.9")));
    assertEquals("10.1.2.3", proxies.clientAddress("10.1.2.3", forwardedFor("1.2.3.4:5678")));
  }

  @Test
  void a_trusted_peer_without_forwarded_for_is_the_client() {
    assertEquals("10.1.2.3", proxies.clientAddress("10.1.2.3", forwardedFor()));
  }

  @Test
  void ipv6_and_ipv4_mapped_addresses_are_matched_and_normalized() {
    assertEquals("198.51.100.7", proxies.clientAddress("2001:db8:0:0:0:0:0:1", forwardedFor("198.51.100.7")));
    assertEquals("198.51.100.7", proxies.clientAddress("::ffff:10.1.2.3", forwardedFor("198.51.100.7")));
    assertEquals("2001:db9::1", proxies.clientAddress("10.1.2.3", forwardedFor("2001:db9:0::1")));
    assertTrue(proxies.contains("192.0.2.7"));
    assertFalse(proxies.contains("192.0.2.8"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      host name instead of address | proxy.internal | not an IP address
      prefix 0 trusts everyone     | 0.0.0.0/0      | prefix length between 1 and 32
      ipv6 prefix 0                | ::/0           | prefix length between 1 and 128
      prefix too long              | 10.0.0.0/33    | prefix length between 1 and 32
      host bits set                | 10.0.0.1/8     | host bits set
      prefix not a number          | 10.0.0.0/x     | prefix length
      """)
  void invalid_trusted_proxy_entries_are_refused(String name, String entry, String problem) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of(entry)));
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }
}
