package dev.gatehouse.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunbooksTest {

  @Test
  void a_rules_runbook_reference_links_to_its_section_in_the_console_and_nothing_else_does() {
    assertEquals("/console/runbooks/credential-stuffing.md#d01-failed-authentication-burst",
        Runbooks.link("incident-response/runbooks/credential-stuffing.md#d01-failed-authentication-burst").orElseThrow());
    assertTrue(Runbooks.link("incident-response/runbooks/../../etc/passwd").isEmpty());
    assertTrue(Runbooks.link("https://example.com/runbook.md").isEmpty());
    assertTrue(Runbooks.link(null).isEmpty());
  }

  @Test
  void headings_become_anchors_spelled_as_the_rules_reference_them_and_code_blocks_stay_text() {
    assertEquals("d01-failed-authentication-burst", Runbooks.anchor("D01: failed-authentication burst"));
    List<Map<String, Object>> blocks = Runbooks.blocks("# Title\nintro\n```sh\n# not a heading\n```\n## 1. Scope\n");

    assertEquals("title", blocks.get(0).get("anchor"));
    assertEquals("intro\n```sh\n# not a heading\n```", blocks.get(1).get("text"));
    assertEquals("1-scope", blocks.get(2).get("anchor"));
    assertEquals(3, blocks.size());
  }
}
