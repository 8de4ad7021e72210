package dev.gatehouse.gateway.mutate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.secrets.SecretValue;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderMutatorTest {

  static final String RUNTIME_KEY = "runtime-key-0123456789";
  static final String REQUEST_ID = "0123456789abcdef0123456789abcdef";

  final HeaderMutator mutator = new HeaderMutator(Optional.of(SecretValue.ofUtf8(RUNTIME_KEY)));

  static MultiMap headers(String... nameValuePairs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      headers.add(nameValuePairs[i], nameValuePairs[i + 1]);
    }
    return headers;
  }

  MultiMap forward(MultiMap incoming) {
    return mutator.forwardHeaders(incoming, "198.51.100.7", REQUEST_ID, false);
  }

  @Test
  void client_api_key_is_replaced_by_the_runtime_key() {
    MultiMap out = forward(headers("X-API-KEY", "guess", "x-api-key", "another"));
    assertEquals(List.of(RUNTIME_KEY), out.getAll("X-API-KEY"));
  }

  @Test
  void connection_listing_the_api_key_cannot_remove_the_injected_key() {
    MultiMap out = forward(headers("Connection", "close, X-Api-Key, X-Forwarded-For, X-Request-Id", "X-Api-Key", "guess"));
    assertEquals(List.of(RUNTIME_KEY), out.getAll("X-API-KEY"));
    assertEquals(List.of("198.51.100.7"), out.getAll("X-Forwarded-For"));
    assertEquals(List.of(REQUEST_ID), out.getAll("X-Request-Id"));
    assertFalse(out.contains("Connection"));
  }

  @Test
  void headers_named_in_connection_are_dropped() {
    MultiMap out = forward(headers("Connection", "X-Custom,  x-other", "X-Custom", "1", "X-Other", "2", "X-Kept", "3"));
    assertFalse(out.contains("X-Custom"));
    assertFalse(out.contains("X-Other"));
    assertEquals("3", out.get("X-Kept"));
  }

  @ParameterizedTest(name = "client {0} is dropped")
  @ValueSource(strings = {
      "X-Gatehouse-Workspace", "x-gatehouse-principal", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
      "X-Forwarded-Prefix", "X-Forwarded-Port", "X-Forwarded-Uri", "Forwarded", "X-Real-IP", "True-Client-IP",
      "X-Original-URL", "X-Rewrite-URL", "X-HTTP-Method-Override", "Authorization", "Host", "X-Request-Id",
      "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Proxy-Authorization", "Proxy-Connection",
      "X_Forwarded_Email"})
  void gateway_controlled_and_hop_by_hop_headers_are_dropped(String name) {
    MultiMap out = forward(headers(name, "client-value"));
    assertFalse(out.getAll(name).contains("client-value"), () -> name + " survived: " + out);
  }

  @Test
  void the_forwarded_header_set_is_exactly_the_end_to_end_headers_plus_ours() {
    MultiMap out = forward(headers("Content-Type", "application/json", "Accept", "*/*", "Content-Length", "2",
        "X-Forwarded-For", "6.6.6.6", "X-Gatehouse-Workspace", "ws-victim", "Authorization", "Bearer t"));
    assertEquals(
        "Content-Type=application/json|Accept=*/*|Content-Length=2|X-Forwarded-For=198.51.100.7"
            + "|X-Request-Id=" + REQUEST_ID + "|X-API-KEY=" + RUNTIME_KEY,
        flatten(out));
  }

  @Test
  void without_a_runtime_key_no_api_key_is_sent() {
    MultiMap out = new HeaderMutator(Optional.empty())
        .forwardHeaders(headers("X-API-KEY", "guess"), "198.51.100.7", REQUEST_ID, false);
    assertFalse(out.contains("X-API-KEY"));
  }

  @Test
  void websocket_handshake_keeps_upgrade_with_standard_values() {
    MultiMap out = mutator.forwardHeaders(headers("Connection", "keep-alive, Upgrade", "Upgrade", "WebSocket",
        "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "13"), "198.51.100.7", REQUEST_ID, true);
    assertEquals("Upgrade", out.get("Connection"));
    assertEquals("websocket", out.get("Upgrade"));
    assertEquals("dGhlIHNhbXBsZSBub25jZQ==", out.get("Sec-WebSocket-Key"));
    assertEquals("13", out.get("Sec-WebSocket-Version"));
  }

  @Test
  void a_runtime_key_that_could_break_a_header_is_refused_without_echoing_it() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HeaderMutator(Optional.of(SecretValue.ofUtf8("sec\r\nret"))));
    assertFalse(e.getMessage().contains("sec"));
  }

  @Test
  void injected_values_with_line_breaks_are_refused() {
    assertThrows(IllegalArgumentException.class,
        () -> mutator.forwardHeaders(headers(), "1.2.3.4\r\nX-Evil: 1", REQUEST_ID, false));
  }

  @Test
  void to_string_does_not_reveal_the_runtime_key() {
    assertFalse(mutator.toString().contains(RUNTIME_KEY));
    assertTrue(mutator.toString().contains("configured"));
  }

  private static String flatten(MultiMap headers) {
    StringBuilder out = new StringBuilder();
    headers.forEach(e -> out.append(out.length() == 0 ? "" : "|").append(e.getKey()).append('=').append(e.getValue()));
    return out.toString();
  }
}
