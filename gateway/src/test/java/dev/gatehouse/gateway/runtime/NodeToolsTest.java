package dev.gatehouse.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NodeToolsTest {

  @Test
  void node_versions_are_read_by_major() {
    assertEquals(20, NodeTools.parseMajor("v20.20.2"));
    assertEquals(22, NodeTools.parseMajor("22.1.0"));
    assertEquals(-1, NodeTools.parseMajor("not a version"));
  }
}
