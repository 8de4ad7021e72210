package dev.gatehouse.gateway.mutate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.authn.Principal;
import io.netty.util.NetUtil;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class ClientIdentityTest {

  static Optional<Principal> caller(String workspace) {
    return Optional.of(new Principal("s", workspace, Set.of("agents:read"), "jti", Instant.now(), Instant.now().plusSeconds(60), "iss"));
  }

  @Test
  void address_mode_forwards_the_client_address_even_for_an_authenticated_caller() {
    assertEquals("198.51.100.7", ClientIdentity.ADDRESS.forwardedFor("198.51.100.7", caller("w1")));
  }

  @Test
  void workspace_mode_forwards_the_workspace_address_for_an_authenticated_caller_and_the_client_otherwise() {
    assertEquals(ClientIdentity.workspaceAddress("w1"), ClientIdentity.WORKSPACE.forwardedFor("198.51.100.7", caller("w1")));
    assertEquals("198.51.100.7", ClientIdentity.WORKSPACE.forwardedFor("198.51.100.7", Optional.empty()));
  }

  @Test
  void a_workspace_address_is_a_stable_unique_local_ipv6_address() {
    String address = ClientIdentity.workspaceAddress("8d3c0b6e-1f2a-4c5d-9e8f-0a1b2c3d4e5f");
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);

    assertEquals(16, bytes.length, address);
    assertEquals((byte) 0xfd, bytes[0], address);
    assertEquals(address, ClientIdentity.workspaceAddress("8d3c0b6e-1f2a-4c5d-9e8f-0a1b2c3d4e5f"), "stable");
  }

  /** elizaOS's limiter keys IPv6 clients by their /56, so distinct workspaces must differ there. */
  @Test
  @Tag("T-DOS-008")
  void distinct_workspaces_get_distinct_56_bit_prefixes() {
    Set<String> prefixes = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ClientIdentity.workspaceAddress("workspace-" + i));
      prefixes.add(java.util.HexFormat.of().formatHex(bytes, 0, 7));
    }
    assertEquals(10_000, prefixes.size());
    assertNotEquals(ClientIdentity.workspaceAddress("a"), ClientIdentity.workspaceAddress("A"), "compared exactly");
  }

  @Test
  void a_workspace_address_is_a_valid_header_value() {
    String address = ClientIdentity.workspaceAddress("w1");
    assertTrue(address.chars().allMatch(c -> c > 0x20 && c < 0x7f), address);
  }

  @Test
  void ids_are_parsed_case_insensitively_and_unknown_ones_are_refused() {
    assertEquals(Optional.of(ClientIdentity.WORKSPACE), ClientIdentity.fromId("workspace"));
    assertEquals(Optional.of(ClientIdentity.ADDRESS), ClientIdentity.fromId("ADDRESS"));
    assertEquals(Optional.empty(), ClientIdentity.fromId("token"));
  }
}
