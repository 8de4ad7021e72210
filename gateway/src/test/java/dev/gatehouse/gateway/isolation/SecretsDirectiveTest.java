package dev.gatehouse.gateway.isolation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Which characters, and changes to characters, need {@code secrets:write}. */
class SecretsDirectiveTest {

  static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text);
  }

  @Test
  @Tag("T-SEC-015")
  void a_change_that_names_secrets_at_all_needs_the_scope() throws Exception {
    for (String change : new String[] {"{\"secrets\":{\"K\":\"v\"}}", "{\"settings\":{\"secrets\":{}}}",
        "{\"settings\":{\"secrets\":null}}", "{\"secrets\":null}", "{\"settings\":null}"}) {
      assertTrue(IsolationStage.touchesSecrets(json(change), false), change);
    }
    assertFalse(IsolationStage.touchesSecrets(json("{\"bio\":\"b\",\"settings\":{\"model\":\"m\"}}"), false));
  }

  @Test
  @Tag("T-SEC-015")
  void a_new_character_needs_the_scope_only_for_a_secret_it_sets() throws Exception {
    for (String character : new String[] {"{\"secrets\":{\"K\":\"v\"}}", "{\"settings\":{\"secrets\":{\"K\":\"v\"}}}",
        "{\"settings\":{\"secrets\":\"v\"}}", "{\"secrets\":[\"v\"]}"}) {
      assertTrue(IsolationStage.touchesSecrets(json(character), true), character);
    }
    // What the elizaOS client's agent templates carry.
    assertFalse(IsolationStage.touchesSecrets(json("{\"name\":\"n\",\"settings\":{\"secrets\":{}}}"), true));
    assertFalse(IsolationStage.touchesSecrets(json("{\"secrets\":null,\"settings\":null}"), true));
  }
}
