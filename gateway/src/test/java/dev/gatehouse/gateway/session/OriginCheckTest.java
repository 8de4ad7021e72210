package dev.gatehouse.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OriginCheckTest {

  @Test
  void an_origin_is_compared_in_one_spelling_with_its_port_spelled_out() {
    assertEquals(Optional.of("https://agents.example.com:443"), OriginCheck.normalize("HTTPS://Agents.Example.com"));
    assertEquals(Optional.of("http://127.0.0.1:80"), OriginCheck.normalize("http://127.0.0.1"));
    assertEquals(Optional.of("http://127.0.0.1:8080"), OriginCheck.normalize("http://127.0.0.1:8080/"));
  }

  @Test
  void anything_but_an_http_origin_is_no_origin() {
    for (String bad : List.of("null", "file://x", "https://evil.example/path", "https://évil.example",
        "https://a.example\u0000", "", "//agents.example.com")) {
      assertEquals(Optional.empty(), OriginCheck.normalize(bad), bad);
    }
  }
}
