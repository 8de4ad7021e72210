package dev.gatehouse.gateway.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class EntityIdsTest {

  static final String A = "0b7c2a52-7d3e-4a0e-9b55-0f1d2c3b4a59";
  static final String B = "6f1e9a0c-2b4d-4c8e-8a71-5d3c2b1a0f9e";

  @Test
  void the_same_subject_in_the_same_workspace_always_gets_the_same_name_based_uuid() {
    String id = EntityIds.of(A, "alice");
    assertEquals(id, EntityIds.of(A, "alice"));
    UUID uuid = UUID.fromString(id);
    assertEquals(5, uuid.version());
    assertEquals(2, uuid.variant());
  }

  @Test
  @Tag("T-ISO-005")
  void equal_subjects_in_two_workspaces_are_different_entities() {
    assertNotEquals(EntityIds.of(A, "alice"), EntityIds.of(B, "alice"));
    assertNotEquals(EntityIds.of(A, "alice"), EntityIds.of(A, "bob"));
  }

  @Test
  void workspace_and_subject_cannot_be_shifted_into_each_other() {
    assertNotEquals(EntityIds.of("ab", "c"), EntityIds.of("a", "bc"));
  }
}
