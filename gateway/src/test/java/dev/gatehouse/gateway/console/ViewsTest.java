package dev.gatehouse.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The console's templates escape what the audit trail and alerts hold, wherever it lands. */
@Tag("T-AUD-013")
class ViewsTest {

  static final String HOSTILE = "\"><script>alert(1)</script><a href='x'>";
  static final Map<String, Object> ME = Map.of("subject", HOSTILE, "admin", true, "triage", true, "workspace", "",
      "csrf", "form-token");

  final Views views = new Views();

  @Test
  void an_event_field_with_markup_is_shown_as_text_in_text_attributes_and_links() {
    JsonObject event = new JsonObject().put("node_id", "n1").put("seq", 7).put("ts", "2026-01-01T00:00:00Z")
        .put("decision", "deny").put("subject", HOSTILE).put("user_agent", HOSTILE).put("client_address", "10.0.0.1");
    String html = views.render("timeline", Map.of("me", ME, "by", "subject", "value", HOSTILE,
        "at", "2026-01-01T00:00:00Z", "around", "1h", "events", Views.plain(List.of(event)), "denials", 1L,
        "truncated", false));

    assertFalse(html.contains("<script>alert(1)</script>"), "no markup from the data");
    assertFalse(html.contains("'x'>"), "no attribute break-out");
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "shown as text");
    assertTrue(html.contains("value=%22%3E%3Cscript%3Ealert%281%29"), "URL-encoded in pivot links");
    assertFalse(html.contains(" style=") || html.contains("<script>"), "no inline style or script");
  }

  @Test
  void a_query_string_encodes_every_value_and_leaves_out_absent_ones() {
    java.util.Map<String, Object> params = new java.util.HashMap<>();
    params.put("subject", "a&b=c");
    params.put("cursor", null);
    params.put("rule", "D01");

    assertEquals("rule=D01&subject=a%26b%3Dc", Views.query(params));
  }

  @Test
  void pivots_map_an_alerts_entity_to_its_timeline_and_refuse_other_kinds() {
    assertEquals(Map.of("by", "client", "value", "198.51.100.7"),
        Pivots.ofEntity("client_address=198.51.100.7").orElseThrow());
    assertEquals(Map.of("by", "subject", "value", "ann"), Pivots.ofEntity("subject=ann").orElseThrow());
    assertTrue(Pivots.ofEntity("route=x").isEmpty());
    assertTrue(Pivots.ofEntity("subject=a,workspace=b").isEmpty());
    assertTrue(Pivots.ofEntity("subject=").isEmpty());
  }
}
