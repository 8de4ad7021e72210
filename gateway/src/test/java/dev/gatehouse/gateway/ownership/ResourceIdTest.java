package dev.gatehouse.gateway.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceIdTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      canonical already        | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11     | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
      upper case               | A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11     | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
      no hyphens               | a0eebc999c0b4ef8bb6d6bb9bd380a11         | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
      braces                   | {a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}   | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
      hyphens every four       | a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11  | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
      not hex                  | g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11     | g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
      too long                 | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a110    | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a110
      non-ASCII digits kept    | ٣0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11     | ٣0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
      not a UUID               | dm-alice                                 | dm-alice
      """)
  @Tag("T-ISO-012")
  void a_uuid_in_any_spelling_becomes_its_lower_case_hyphenated_form_and_other_ids_stay(String name, String id,
      String canonical) {
    assertEquals(canonical, ResourceId.canonical(id));
  }
}
