package dev.gatehouse.gateway.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class EntityIdsTest {

  @Test
  void the_same_workspace_and_subject_always_give_the_same_version_5_uuid() {
    UUID id = EntityIds.of("0b6f0c0e-7a43-4c61-9d0f-2f3e7a5c1b11", "alice");
    assertEquals(id, EntityIds.of("0b6f0c0e-7a43-4c61-9d0f-2f3e7a5c1b11", "alice"));
    assertEquals(5, id.version());
    assertEquals(2, id.variant());
  }

  @Test
  void the_value_is_fixed_by_the_documented_derivation() {
    // UUIDv5(NAMESPACE, "2:w1alice") as an independent RFC 9562 implementation computes it.
    assertEquals("0e3970dd-9a44-5fa1-882e-125e3bb4e8c1", EntityIds.of("w1", "alice").toString());
  }

  @Test
  void workspace_and_subject_cannot_be_shifted_into_each_other() {
    assertNotEquals(EntityIds.of("w1", "alice"), EntityIds.of("w2", "alice"));
    assertNotEquals(EntityIds.of("ab", "c"), EntityIds.of("a", "bc"));
  }
}
