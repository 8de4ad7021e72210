package dev.gatehouse.gateway.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatehouse.secrets.SecretValue;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuntimeTargetTest {

  static final String KEY = "runtime-key-0123456789";

  @Test
  void a_runtime_key_that_could_break_a_header_is_refused_without_echoing_it() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RuntimeTarget(URI.create("http://127.0.0.1:3000"), Optional.of(SecretValue.ofUtf8("sec\r\nret"))));
    assertFalse(e.getMessage().contains("sec"));
  }

  @Test
  void to_string_does_not_reveal_the_runtime_key() {
    RuntimeTarget target = new RuntimeTarget(URI.create("http://127.0.0.1:3000"), Optional.of(SecretValue.ofUtf8(KEY)));
    assertFalse(target.toString().contains(KEY), target::toString);
    assertEquals(Optional.of(KEY), target.apiKey());
  }

  @Test
  void the_port_follows_the_scheme_when_absent() {
    assertEquals(443, new RuntimeTarget(URI.create("https://runtime.internal"), Optional.empty()).origin().port());
    assertEquals(80, new RuntimeTarget(URI.create("http://runtime.internal"), Optional.empty()).origin().port());
    assertEquals(3001, new RuntimeTarget(URI.create("http://runtime.internal:3001"), Optional.empty()).origin().port());
  }
}
