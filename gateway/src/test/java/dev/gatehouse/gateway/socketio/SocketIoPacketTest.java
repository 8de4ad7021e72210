package dev.gatehouse.gateway.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SocketIoPacketTest {

  @Test
  void parses_type_namespace_ack_id_and_payload() {
    assertEquals(Optional.of(new SocketIoPacket(0, "/", null, "")), SocketIoPacket.parse("0"));
    assertEquals(Optional.of(new SocketIoPacket(0, "/", null, "{\"token\":\"t\"}")),
        SocketIoPacket.parse("0{\"token\":\"t\"}"));
    assertEquals(Optional.of(new SocketIoPacket(2, "/", 12L, "[\"1\",{}]")), SocketIoPacket.parse("212[\"1\",{}]"));
    assertEquals(Optional.of(new SocketIoPacket(2, "/admin", 3L, "[\"x\"]")), SocketIoPacket.parse("2/admin,3[\"x\"]"));
    assertEquals(Optional.of(new SocketIoPacket(5, "/", null, "[\"e\",{\"_placeholder\":true,\"num\":0}]")),
        SocketIoPacket.parse("51-[\"e\",{\"_placeholder\":true,\"num\":0}]"));
  }

  @Test
  void refuses_what_is_not_a_packet() {
    assertTrue(SocketIoPacket.parse("").isEmpty());
    assertTrue(SocketIoPacket.parse("7[]").isEmpty());
    assertTrue(SocketIoPacket.parse("x").isEmpty());
    assertTrue(SocketIoPacket.parse("5[\"no attachment count\"]").isEmpty());
    assertTrue(SocketIoPacket.parse("2" + "9".repeat(16) + "[\"e\"]").isEmpty(), "ack id too long");
  }

  @Test
  void encodes_what_it_parsed_on_the_default_namespace() {
    for (String packet : new String[] {"0", "1", "2[\"1\",{\"a\":1}]", "27[\"2\",{}]", "3[]"}) {
      assertEquals("4" + packet, SocketIoPacket.parse(packet).orElseThrow().encode());
    }
  }
}
