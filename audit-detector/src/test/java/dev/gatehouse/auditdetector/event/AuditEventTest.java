package dev.gatehouse.auditdetector.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.testsupport.SampleEvents;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditEventTest {

  private static final String CANARY_JWT =
      "eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ";

  private static AuditEvent.Builder deny() {
    return AuditEvent.builder(EventKind.HTTP, Decision.DENY, "malformed").requestId("r-1");
  }

  @Test
  void user_agent_is_truncated_to_the_named_maximum() {
    AuditEvent event = deny().userAgent("x".repeat(AuditEvent.USER_AGENT_MAX_LENGTH + 500)).build();
    assertEquals(AuditEvent.USER_AGENT_MAX_LENGTH, event.userAgent().length());
  }

  @Test
  void truncation_never_splits_a_surrogate_pair() {
    String emoji = "\uD83D\uDE00";
    AuditEvent event = deny().userAgent(emoji.repeat(AuditEvent.USER_AGENT_MAX_LENGTH + 1)).build();
    assertEquals(AuditEvent.USER_AGENT_MAX_LENGTH, event.userAgent().codePointCount(0, event.userAgent().length()));
    assertFalse(Character.isHighSurrogate(event.userAgent().charAt(event.userAgent().length() - 1)));
  }

  @Test
  void credential_shaped_text_in_client_fields_is_redacted() {
    AuditEvent event = deny()
        .userAgent("bot/1.0 " + CANARY_JWT)
        .resourceId("agentId", "Bearer " + CANARY_JWT)
        .principal("ghs:v1:c2VjcmV0LXZhbHVl", null, null)
        .build();
    String json = AuditEventJson.write(event, new JsonObject()).encode();
    assertFalse(json.contains(CANARY_JWT), json);
    assertFalse(json.contains("c2VjcmV0LXZhbHVl"), json);
    assertTrue(event.userAgent().contains("[redacted]"));
  }

  @Test
  void control_and_bidi_characters_in_client_text_are_replaced() {
    AuditEvent event = deny().userAgent("a\r\nb\u202Ec\u0000").build();
    assertEquals("a??b?c?", event.userAgent());
  }

  @Test
  void cleaning_is_idempotent() {
    String raw = "Bearer abc.def\t" + "y".repeat(300) + "\u0007";
    String once = TextCleaner.clean(raw, AuditEvent.USER_AGENT_MAX_LENGTH);
    assertEquals(once, TextCleaner.clean(once, AuditEvent.USER_AGENT_MAX_LENGTH));
  }

  @Test
  void path_template_with_a_query_string_is_rejected() {
    assertThrows(IllegalArgumentException.class,
        () -> deny().route("agents.get", "/api/agents/{agentId}?token=abc").build());
  }

  @Test
  void path_template_with_a_fragment_is_rejected() {
    assertThrows(IllegalArgumentException.class, () -> deny().route("agents.get", "/api/agents#x").build());
  }

  @Test
  void relative_path_template_is_rejected() {
    assertThrows(IllegalArgumentException.class, () -> deny().route("agents.get", "api/agents").build());
  }

  @Test
  void reason_key_outside_the_stable_key_alphabet_is_rejected() {
    assertThrows(IllegalArgumentException.class,
        () -> AuditEvent.builder(EventKind.HTTP, Decision.DENY, "Bad Reason!").requestId("r").build());
  }

  @Test
  void missing_request_id_is_rejected() {
    assertThrows(NullPointerException.class,
        () -> AuditEvent.builder(EventKind.HTTP, Decision.DENY, "malformed").build());
  }

  @Test
  void client_address_that_is_not_an_ip_literal_is_rejected() {
    assertThrows(IllegalArgumentException.class, () -> deny().clientAddress("evil.example.com").build());
  }

  @Test
  void status_out_of_range_is_rejected() {
    assertThrows(IllegalArgumentException.class, () -> deny().status(99).build());
  }

  @Test
  void negative_byte_counts_are_rejected() {
    assertThrows(IllegalArgumentException.class, () -> deny().bytes(-1, 0).build());
  }

  @Test
  void too_many_resource_ids_are_rejected() {
    AuditEvent.Builder builder = deny();
    for (int i = 0; i <= AuditEvent.MAX_RESOURCE_IDS; i++) {
      builder.resourceId("id" + i, "v");
    }
    assertThrows(IllegalArgumentException.class, builder::build);
  }

  @Test
  void a_model_call_belongs_to_egress_events_and_only_to_them() {
    AuditEvent.ModelCall call = new AuditEvent.ModelCall("agent-1", "openai", "gpt-4o-mini", 1, 2, 3);
    assertThrows(IllegalArgumentException.class, () -> deny().modelCall(call).build());
    assertThrows(IllegalArgumentException.class,
        () -> AuditEvent.builder(EventKind.EGRESS, Decision.ALLOW, "allowed").requestId("r").build());
    assertEquals(call, AuditEvent.builder(EventKind.EGRESS, Decision.ALLOW, "allowed").requestId("r")
        .modelCall(call).build().modelCall());
  }

  @Test
  void the_requested_model_name_is_cleaned_like_other_client_text() {
    AuditEvent event = AuditEvent.builder(EventKind.EGRESS, Decision.DENY, "budget_exceeded").requestId("r")
        .modelCall("a", "openai", "gpt\u0000 " + CANARY_JWT, 0, 0, 0)
        .build();
    assertFalse(event.modelCall().model().contains(CANARY_JWT), event.modelCall().model());
    assertFalse(event.modelCall().model().contains("\u0000"), event.modelCall().model());
    assertThrows(IllegalArgumentException.class, () -> new AuditEvent.ModelCall("a", "Open AI", null, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new AuditEvent.ModelCall("a", "openai", null, -1, 0, 0));
  }

  @Test
  void timestamp_is_truncated_to_microseconds() {
    AuditEvent event = deny().timestamp(Instant.parse("2025-03-01T10:00:00.123456789Z")).build();
    assertEquals(Instant.parse("2025-03-01T10:00:00.123456Z"), event.timestamp());
  }

  @Test
  void unauthenticated_event_has_no_principal() {
    AuditEvent event = SampleEvents.unauthenticated(1, Instant.now());
    assertNull(event.subject());
    assertNull(event.workspace());
    assertNull(event.tokenId());
  }

  @Test
  void json_round_trip_preserves_the_event() {
    AuditEvent event = SampleEvents.allowed(42, "ws-a", Instant.parse("2025-03-01T10:00:00.5Z"));
    assertEquals(event, AuditEventJson.read(AuditEventJson.write(event, new JsonObject())));
  }
}
