package dev.gatehouse.gateway.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AddressBlocksTest {

  @Test
  void addressesAreBlockedInOneCanonicalForm() {
    assertEquals(Optional.of("198.51.100.7"), AddressBlocks.canonical("198.51.100.7"));
    assertEquals(Optional.of("2001:db8::1"), AddressBlocks.canonical("2001:DB8:0:0:0:0:0:1"));
    assertEquals(AddressBlocks.canonical("2001:db8::1"), AddressBlocks.canonical("2001:0db8::0001"));
  }

  @Test
  void namesAndGarbageAreNotAddresses() {
    assertTrue(AddressBlocks.canonical("example.com").isEmpty(), "never resolved");
    assertTrue(AddressBlocks.canonical("198.51.100.7/24").isEmpty());
    assertTrue(AddressBlocks.canonical("").isEmpty());
    assertTrue(AddressBlocks.canonical(null).isEmpty());
  }
}
