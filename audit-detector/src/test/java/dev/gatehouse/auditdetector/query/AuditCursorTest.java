package dev.gatehouse.auditdetector.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AuditCursorTest {

  @Test
  void a_cursor_round_trips_through_its_token() {
    AuditCursor cursor = new AuditCursor(1_700_000_000_123_456L, "node-1", 99);
    assertEquals(cursor, AuditCursor.decode(cursor.encode()));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"", "not base64 !", "e30", "eyJ0IjoxLCJuIjoibm9kZSAxIiwicyI6MX0"})
  void malformed_cursors_are_rejected(String token) {
    assertThrows(IllegalArgumentException.class, () -> AuditCursor.decode(token));
  }

  @Test
  void a_cursor_with_extra_fields_is_rejected() {
    String json = "{\"t\":1,\"n\":\"node-1\",\"s\":1,\"w\":\"other-workspace\"}";
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    assertThrows(IllegalArgumentException.class, () -> AuditCursor.decode(token));
  }
}
