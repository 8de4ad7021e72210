package dev.gatehouse.auditdetector.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ValidationMessage;
import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.chain.ChainHasher;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.testsupport.EventSchema;
import dev.gatehouse.auditdetector.testsupport.SampleEvents;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AuditEventSchemaTest {

  private static final JsonNode SCHEMA = EventSchema.document();

  static Stream<AuditEvent> gatewayDecisions() {
    Instant now = Instant.now();
    return Stream.of(
        SampleEvents.allowed(1, "ws-a", now),
        SampleEvents.unauthenticated(2, now),
        SampleEvents.websocketDenied(3, "ws-b", now),
        SampleEvents.egress(7, "ws-a", "agent-1", now),
        AuditEvent.builder(EventKind.EGRESS, Decision.DENY, "egress_credential_unknown").requestId("r-8").status(401)
            .clientAddress("127.0.0.1").method("POST").route("egress.openai.chat_completions", "/v1/chat/completions")
            .modelCall(new AuditEvent.ModelCall(null, "openai", null, 0, 0, 0)).build(),
        AuditEvent.builder(EventKind.HTTP, Decision.DENY, "malformed").requestId("r-4").status(400).build(),
        AuditEvent.builder(EventKind.HTTP, Decision.DENY, "rate_limited").requestId("r-5").status(429)
            .principal("u", "ws-a", "j").method("GET").route("agents.list", "/api/agents").build(),
        AuditEvent.builder(EventKind.ADMIN, Decision.ALLOW, "allowed").requestId("r-6").status(201)
            .principal("admin", null, "jti-admin").method("POST").route("admin.tokens.create", "/admin/v1/tokens")
            .userAgent("x".repeat(5_000) + "\u0000").build());
  }

  private static Set<ValidationMessage> validate(JsonObject document) {
    return EventSchema.errors(document.encode());
  }

  private static JsonObject chained(AuditEvent event) {
    ChainedEvent linked = new ChainHasher().link("node-a", 1, ChainHash.GENESIS, event);
    return linked.toJson();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gatewayDecisions")
  void every_kind_of_gateway_decision_produces_a_schema_valid_document(AuditEvent event) {
    Set<ValidationMessage> errors = validate(chained(event));
    assertTrue(errors.isEmpty(), errors::toString);
  }

  @Test
  void documents_carry_exactly_the_schema_properties() {
    Set<String> schemaProperties = new HashSet<>();
    SCHEMA.get("properties").fieldNames().forEachRemaining(schemaProperties::add);
    JsonObject traced = chained(AuditEvent.builder(EventKind.HTTP, Decision.ALLOW, "allowed").requestId("req-1")
        .traceId("4bf92f3577b34da6a3ce929d0e0e4736").build());
    Set<String> httpProperties = new HashSet<>(schemaProperties);
    httpProperties.removeAll(List.of(AuditEventJson.AGENT, AuditEventJson.PROVIDER, AuditEventJson.MODEL,
        AuditEventJson.TOKENS_IN, AuditEventJson.TOKENS_OUT, AuditEventJson.COST_MICROS));
    assertEquals(httpProperties, traced.fieldNames());
    assertTrue(validate(traced).isEmpty(), () -> validate(traced).toString());
    Set<String> untraced = new HashSet<>(httpProperties);
    untraced.remove(AuditEventJson.TRACE_ID);
    assertEquals(untraced, chained(SampleEvents.allowed(1, "ws-a", Instant.now())).fieldNames(),
        "an event of an untraced request has no trace_id");
  }

  @Test
  void egress_documents_carry_the_model_call_fields_and_only_they_do() {
    Set<String> fields = Set.of(AuditEventJson.AGENT, AuditEventJson.PROVIDER, AuditEventJson.MODEL,
        AuditEventJson.TOKENS_IN, AuditEventJson.TOKENS_OUT, AuditEventJson.COST_MICROS);
    JsonObject egress = chained(SampleEvents.egress(1, "ws-a", "agent-1", Instant.now()));
    assertTrue(egress.fieldNames().containsAll(fields), egress::encode);
    egress.remove(AuditEventJson.TOKENS_OUT);
    assertFalse(validate(egress).isEmpty(), "an egress event without its token counts");
    JsonObject http = chained(SampleEvents.allowed(1, "ws-a", Instant.now()));
    assertTrue(java.util.Collections.disjoint(http.fieldNames(), fields), http::encode);
    assertFalse(validate(http.put(AuditEventJson.MODEL, "gpt-4o")).isEmpty(), "a model on an HTTP event");
  }

  @Test
  void schema_forbids_additional_properties() {
    JsonObject document = chained(SampleEvents.allowed(1, "ws-a", Instant.now())).put("query", "token=abc");
    assertFalse(validate(document).isEmpty());
  }

  @Test
  void schema_rejects_a_path_template_carrying_a_query_string() {
    JsonObject document = chained(SampleEvents.allowed(1, "ws-a", Instant.now()))
        .put("path_template", "/api/agents/1?access_token=abc");
    assertFalse(validate(document).isEmpty());
  }

  @Test
  void schema_requires_every_field() {
    JsonObject document = chained(SampleEvents.unauthenticated(1, Instant.now()));
    document.remove("subject");
    assertFalse(validate(document).isEmpty());
  }

  @Test
  void schema_rejects_an_unknown_decision() {
    JsonObject document = chained(SampleEvents.unauthenticated(1, Instant.now())).put("decision", "maybe");
    assertFalse(validate(document).isEmpty());
  }

  @Test
  void no_property_can_hold_a_token_secret_body_header_or_query() {
    List<String> forbidden = List.of("token", "secret", "body", "query", "authorization", "cookie", "header",
        "password", "url", "raw");
    for (Iterator<String> names = SCHEMA.get("properties").fieldNames(); names.hasNext(); ) {
      String property = names.next();
      if ("integer".equals(SCHEMA.get("properties").get(property).path("type").asText())) {
        continue; // a count (tokens_in: how many tokens a model read) cannot hold a credential
      }
      String name = property.toLowerCase(Locale.ROOT);
      for (String word : forbidden) {
        assertFalse(name.contains(word), name);
      }
    }
    assertEquals(false, SCHEMA.get("additionalProperties").asBoolean());
  }
}
