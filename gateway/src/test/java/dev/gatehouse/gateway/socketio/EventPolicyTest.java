package dev.gatehouse.gateway.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.authn.Principal;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.ownership.OwnershipRegistry;
import dev.gatehouse.gateway.testsupport.OwnedResources;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The event rules alone: what is refused, and exactly what an allowed event becomes. */
@Tag("T-ISO-004")
class EventPolicyTest {

  static final String ENTITY = "11111111-1111-5111-8111-111111111111";
  static final Principal CHATTER = principal(Set.of("messages:read", "messages:write"));
  static final OwnedResources OWNED = new OwnedResources()
      .channel("ws-a", "chan-a").messageServer("ws-a", "srv-a").agent("ws-a", "agent-a")
      .channel("ws-b", "chan-b").messageServer("ws-b", "srv-b").agent("ws-b", "agent-b");
  final EventPolicy policy = new EventPolicy(OWNED);

  static Principal principal(Set<String> scopes) {
    return new Principal("alice", "ws-a", scopes, "jti-1", Instant.now(), Instant.now().plusSeconds(600), "urn:gatehouse");
  }

  Verdict decide(String packet, Principal caller) throws Exception {
    return Await.result(policy.decide(SocketIoPacket.parse(packet).orElseThrow(), caller, ENTITY));
  }

  Verdict emit(String event, Object payload) throws Exception {
    return decide("2" + new JsonArray().add(event).add(payload).encode(), CHATTER);
  }

  static JsonObject own() {
    return new JsonObject().put("channelId", "chan-a").put("messageServerId", "srv-a");
  }

  @Test
  void an_allowed_join_is_rebuilt_with_the_checked_channel_and_names_no_entity() throws Exception {
    Verdict verdict = decide("27" + new JsonArray().add("1")
        .add(own().put("roomId", "chan-b").put("entityId", "spoofed").put("agentId", "agent-a"))
        .add("extra argument").encode(), CHATTER);
    assertTrue(verdict.allowed(), verdict.reason());
    assertTrue(verdict.forward().startsWith("427["), "the acknowledgement id is kept: " + verdict.forward());
    JsonArray args = new JsonArray(verdict.forward().substring(3));
    assertEquals(2, args.size(), "extra arguments are dropped");
    JsonObject payload = args.getJsonObject(1);
    assertEquals("chan-a", payload.getString("roomId"));
    assertFalse(payload.containsKey("entityId"), "the runtime would announce the joiner to a foreign agent");
    assertEquals("agent-a", verdict.resourceIds().get("agentId"));
    assertEquals(EventPolicy.TYPE_JOIN, verdict.messageType());
  }

  @Test
  @Tag("T-ISO-004")
  void a_join_naming_no_server_is_checked_and_forwarded_as_the_runtimes_own_server() throws Exception {
    JsonObject noServer = new JsonObject().put("channelId", "chan-a").put("roomId", "chan-a");
    assertEquals("server_not_owned", emit("1", noServer).reason(),
        "the runtime's own server is refused where the workspace does not own it");
    EventPolicy dedicated = new EventPolicy(new OwnedResources().channel("ws-a", "chan-a")
        .messageServer("ws-a", OwnershipRegistry.RUNTIME_MESSAGE_SERVER));
    Verdict verdict = Await.result(dedicated.decide(SocketIoPacket.parse("2" + new JsonArray().add("message")
        .add(new JsonObject().put("type", 1).put("payload", noServer.copy().put("messageServerId", ""))).encode())
        .orElseThrow(), CHATTER, ENTITY));
    assertTrue(verdict.allowed(), verdict.reason());
    JsonObject forwarded = new JsonArray(verdict.forward().substring(2)).getJsonObject(1).getJsonObject("payload");
    assertEquals(OwnershipRegistry.RUNTIME_MESSAGE_SERVER, forwarded.getString("messageServerId"));
    assertEquals("malformed_event", emit("2", noServer.copy().put("message", "m")).reason(),
        "a send still names its server");
  }

  @Test
  void the_channel_is_read_as_the_runtime_reads_it() throws Exception {
    JsonObject emptyChannel = new JsonObject().put("channelId", "").put("roomId", "chan-b").put("messageServerId", "srv-a");
    assertEquals("channel_not_owned", emit("1", emptyChannel).reason());
    JsonObject numberChannel = own().put("channelId", 5);
    assertEquals("malformed_event", emit("1", numberChannel).reason(), "a truthy non-string channel is refused");
  }

  @Test
  @Tag("T-ISO-015")
  void a_send_forces_the_sender_and_drops_the_entity_an_original_id_and_the_dm_markers() throws Exception {
    Verdict verdict = emit("2", own().put("senderId", "spoofed").put("entityId", "spoofed").put("message", "hi")
        .put("metadata", new JsonObject().put("originalId", "spoofed").put("channelType", "DM").put("isDm", true)
            .put("targetUserId", "agent-a")));
    assertTrue(verdict.allowed(), verdict.reason());
    JsonObject payload = new JsonArray(verdict.forward().substring(2)).getJsonObject(1);
    assertEquals(ENTITY, payload.getString("senderId"));
    assertFalse(payload.containsKey("entityId"));
    assertEquals(new JsonObject().put("targetUserId", "agent-a"), payload.getJsonObject("metadata"),
        "with isDm or channelType DM the runtime announces the sender to its first-loaded agent");
    assertFalse(verdict.forward().contains("spoofed"));
  }

  @Test
  void foreign_servers_and_agents_are_refused() throws Exception {
    assertEquals("server_not_owned", emit("2", own().put("messageServerId", "srv-b").put("message", "m")).reason());
    assertEquals("agent_not_owned", emit("1", own().put("agentId", "agent-b")).reason());
    assertEquals("agent_not_owned", emit("2", own().put("message", "m").put("targetUserId", "agent-b")).reason());
    assertEquals("agent_not_owned", emit("2", own().put("message", "m")
        .put("metadata", new JsonObject().put("recipientId", "agent-b"))).reason());
  }

  @Test
  void the_wrapper_needs_a_numeric_type_of_1_or_2() throws Exception {
    assertTrue(emit("message", new JsonObject().put("type", 1).put("payload", own())).allowed());
    assertEquals("malformed_event", emit("message", new JsonObject().put("type", "1").put("payload", own())).reason());
    assertEquals("malformed_event", emit("message", new JsonObject().put("type", 3).put("payload", own())).reason());
    assertEquals("channel_not_owned", emit("message", new JsonObject().put("type", 2)
        .put("payload", own().put("channelId", "chan-b").put("message", "m"))).reason());
  }

  @Test
  void scopes_are_per_event() throws Exception {
    Principal reader = principal(Set.of("messages:read"));
    assertTrue(decide("2" + new JsonArray().add("1").add(own()).encode(), reader).allowed());
    assertEquals("missing_scope", decide("2" + new JsonArray().add("2").add(own().put("message", "m")).encode(), reader)
        .reason());
  }

  @Test
  void malformed_events_and_missing_ids_are_refused() throws Exception {
    assertEquals("malformed_event", decide("2{\"not\":\"an array\"}", CHATTER).reason());
    assertEquals("malformed_event", decide("2[42]", CHATTER).reason());
    assertEquals("malformed_event", emit("1", "a string").reason());
    assertEquals("malformed_event", emit("2", new JsonObject().put("channelId", "chan-a").put("message", "m")).reason(),
        "a send names its message server");
    assertEquals("malformed_event", emit("1", own().put("metadata", "not an object")).reason());
    assertEquals("malformed_event", emit("1", own().put("agentId", 7)).reason());
  }

  @Test
  void log_subscriptions_and_unknown_events_are_refused() throws Exception {
    for (String event : EventPolicy.LOG_EVENTS) {
      assertEquals("log_subscription_refused", emit(event, new JsonObject()).reason());
    }
    assertEquals("unknown_event", emit("3", own()).reason());
    assertEquals("unknown_event", emit("ping", own()).reason());
  }

  @Test
  void a_failed_ownership_lookup_refuses() throws Exception {
    ChannelAccess broken = new ChannelAccess() {
      @Override
      public Future<Boolean> ownsChannel(String workspaceId, String channelId) {
        return Future.failedFuture(new IllegalStateException("registry down"));
      }

      @Override
      public Future<Boolean> ownsMessageServer(String workspaceId, String messageServerId) {
        return Future.succeededFuture(true);
      }

      @Override
      public Future<Boolean> ownsAgent(String workspaceId, String agentId) {
        return Future.succeededFuture(true);
      }
    };
    Verdict verdict = Await.result(new EventPolicy(broken).decide(
        SocketIoPacket.parse("2" + new JsonArray().add("1").add(own()).encode()).orElseThrow(), CHATTER, ENTITY));
    assertEquals("ownership_unavailable", verdict.reason());
  }
}
