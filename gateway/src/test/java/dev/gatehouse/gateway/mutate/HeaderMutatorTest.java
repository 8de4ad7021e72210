package dev.gatehouse.gateway.mutate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderMutatorTest {

  static final String REQUEST_ID = "0123456789abcdef0123456789abcdef";

  final HeaderMutator mutator = new HeaderMutator();

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
  void client_api_key_is_dropped() {
    MultiMap out = forward(headers("X-API-KEY", "guess", "x-api-key", "another"));
    assertEquals(List.of(), out.getAll("X-API-KEY"), "only the proxy sets the runtime's own key");
  }

  @Test
  void connection_listing_the_injected_headers_cannot_remove_them() {
    MultiMap out = forward(headers("Connection", "close, X-Api-Key, X-Forwarded-For, X-Request-Id", "X-Api-Key", "guess"));
    assertEquals(List.of(), out.getAll("X-API-KEY"));
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
            + "|X-Request-Id=" + REQUEST_ID,
        flatten(out));
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
  void injected_values_with_line_breaks_are_refused() {
    assertThrows(IllegalArgumentException.class,
        () -> mutator.forwardHeaders(headers(), "1.2.3.4\r\nX-Evil: 1", REQUEST_ID, false));
  }

  private static String flatten(MultiMap headers) {
    StringBuilder out = new StringBuilder();
    headers.forEach(e -> out.append(out.length() == 0 ? "" : "|").append(e.getKey()).append('=').append(e.getValue()));
    return out.toString();
  }
}
