package dev.gatehouse.auditdetector.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import dev.gatehouse.auditdetector.testsupport.SampleEvents;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChainHasherTest {

  private static final Instant AT = Instant.parse("2025-01-02T03:04:05.678901Z");
  private static final UUID ID = UUID.fromString("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
  /** Reproduced independently from the format in the README (see "Canonical form"). */
  private static final String PINNED_HASH = "7f802ae07d7d0aefc9670201bbb1b9fc0fdf0f2d32aa6bce75f8f5c7c8c68dc6";

  private static AuditEvent fixed() {
    return AuditEvent.builder(EventKind.HTTP, Decision.ALLOW, "allowed")
        .eventId(ID).timestamp(AT).requestId("req-1").status(200)
        .principal("alice", "ws-1", "jti-1").clientAddress("192.0.2.1").userAgent("ua/1")
        .method("GET").route("agents.get", "/api/agents/{agentId}").resourceId("agentId", "a-1")
        .latencyMicros(1234).bytes(10, 20).build();
  }

  @Test
  void canonical_encoding_version_1_is_pinned() {
    // Pins the documented encoding: any change breaks every stored chain, so it must be deliberate.
    ChainHash hash = new ChainHasher().hash(ChainHash.GENESIS, "node-1", 1, fixed());
    assertEquals(PINNED_HASH, hash.hex());
  }

  @Test
  void encoding_starts_with_the_version_magic() {
    byte[] encoded = new CanonicalEncoding().encode("node-1", 1, fixed());
    assertArrayEquals(CanonicalEncoding.MAGIC, Arrays.copyOf(encoded, CanonicalEncoding.MAGIC.length));
  }

  @Test
  void every_field_and_the_position_change_the_hash() {
    ChainHasher hasher = new ChainHasher();
    ChainHash base = hasher.hash(ChainHash.GENESIS, "node-1", 1, fixed());
    assertNotEquals(base, hasher.hash(ChainHash.GENESIS, "node-2", 1, fixed()));
    assertNotEquals(base, hasher.hash(ChainHash.GENESIS, "node-1", 2, fixed()));
    assertNotEquals(base, hasher.hash(hasher.hash(ChainHash.GENESIS, "x", 1, fixed()), "node-1", 1, fixed()));
    AuditEvent other = AuditEvent.builder(EventKind.HTTP, Decision.ALLOW, "allowed")
        .eventId(ID).timestamp(AT).requestId("req-1").status(201)
        .principal("alice", "ws-1", "jti-1").clientAddress("192.0.2.1").userAgent("ua/1")
        .method("GET").route("agents.get", "/api/agents/{agentId}").resourceId("agentId", "a-1")
        .latencyMicros(1234).bytes(10, 20).build();
    assertNotEquals(base, hasher.hash(ChainHash.GENESIS, "node-1", 1, other));
  }

  @Test
  void a_trace_id_is_covered_by_the_hash() {
    ChainHasher hasher = new ChainHasher();
    AuditEvent traced = AuditEvent.builder(EventKind.HTTP, Decision.DENY, "malformed")
        .eventId(ID).timestamp(AT).requestId("r").traceId("4bf92f3577b34da6a3ce929d0e0e4736").build();
    AuditEvent otherTrace = AuditEvent.builder(EventKind.HTTP, Decision.DENY, "malformed")
        .eventId(ID).timestamp(AT).requestId("r").traceId("0af7651916cd43dd8448eb211c80319c").build();
    AuditEvent untraced = AuditEvent.builder(EventKind.HTTP, Decision.DENY, "malformed")
        .eventId(ID).timestamp(AT).requestId("r").build();
    ChainHash base = hasher.hash(ChainHash.GENESIS, "node-1", 1, traced);
    assertNotEquals(base, hasher.hash(ChainHash.GENESIS, "node-1", 1, otherTrace));
    assertNotEquals(base, hasher.hash(ChainHash.GENESIS, "node-1", 1, untraced));
  }

  @Test
  void a_model_call_is_covered_by_the_hash_and_never_reads_as_a_trace_id() {
    ChainHasher hasher = new ChainHasher();
    AuditEvent call = SampleEvents.egress(1, "ws", "agent-1", AT);
    AuditEvent moreTokens = new AuditEvent(call.eventId(), call.timestamp(), call.kind(), call.requestId(),
        call.decision(), call.reasonKey(), call.status(), call.subject(), call.workspace(), call.tokenId(),
        call.clientAddress(), call.userAgent(), call.method(), call.routeId(), call.pathTemplate(),
        call.resourceIds(), call.messageType(), call.latencyMicros(), call.bytesIn(), call.bytesOut(), null,
        new AuditEvent.ModelCall("agent-1", "openai", "gpt-4o-mini", 121, 41, 3_000));
    assertNotEquals(hasher.hash(ChainHash.GENESIS, "n", 1, call), hasher.hash(ChainHash.GENESIS, "n", 1, moreTokens));
    byte[] encoded = new CanonicalEncoding().encode("n", 1, call);
    // tag, three texts (presence byte, length, bytes) and three int64 counts
    int tail = 1 + 3 * 5 + "agent-1".length() + "openai".length() + "gpt-4o-mini".length() + 3 * 8;
    assertEquals(0x02, encoded[encoded.length - tail], "the model call starts with its own tag byte");
  }

  @Test
  void null_and_empty_text_encode_differently() {
    AuditEvent withNull = AuditEvent.builder(EventKind.HTTP, Decision.DENY, "malformed")
        .eventId(ID).timestamp(AT).requestId("r").build();
    AuditEvent withEmpty = AuditEvent.builder(EventKind.HTTP, Decision.DENY, "malformed")
        .eventId(ID).timestamp(AT).requestId("r").userAgent("").build();
    CanonicalEncoding encoding = new CanonicalEncoding();
    assertNotEquals(Arrays.toString(encoding.encode("n", 1, withNull)), Arrays.toString(encoding.encode("n", 1, withEmpty)));
  }

  @Test
  void linking_continues_from_the_previous_hash() {
    ChainHasher hasher = new ChainHasher();
    ChainedEvent first = hasher.link("node-1", 1, ChainHash.GENESIS, SampleEvents.allowed(1, "ws", AT));
    ChainedEvent second = hasher.link("node-1", 2, first.hash(), SampleEvents.allowed(2, "ws", AT));
    assertEquals(first.hash(), second.prevHash());
    assertEquals(second.hash(), hasher.hash(first.hash(), "node-1", 2, second.event()));
  }

  @Test
  void chained_event_json_round_trip_preserves_everything() {
    ChainedEvent event = new ChainHasher().link("node-1", 7, ChainHash.GENESIS, fixed());
    assertEquals(event, ChainedEvent.fromJson(event.toJson()));
  }

  @Test
  void invalid_node_id_is_rejected() {
    assertThrows(IllegalArgumentException.class,
        () -> new ChainHasher().link("node 1/../x", 1, ChainHash.GENESIS, fixed()));
  }

  @Test
  void hash_of_wrong_length_is_rejected() {
    assertThrows(IllegalArgumentException.class, () -> ChainHash.of(new byte[31]));
  }

}
