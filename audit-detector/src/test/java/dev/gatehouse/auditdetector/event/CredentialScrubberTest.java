package dev.gatehouse.auditdetector.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialScrubberTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln | [redacted]",
      "agent/eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0 | agent/[redacted]",
      "ghs:v1:c2VjcmV0LXZhbHVl | [redacted]",
      "x-gatehouse_admin_Zm9vYmFy | x-[redacted]",
      "Bearer abc.def | [redacted]",
      "bEaReR abc | [redacted]",
      "BASIC dXNlcjpwYXNz | [redacted]",
      "tool/1.0 basic  dXNlcjpwYXNz end | tool/1.0 [redacted] end"})
  void every_credential_shape_is_redacted_wherever_it_starts(String raw, String scrubbed) {
    assertEquals(scrubbed, CredentialScrubber.scrub(raw));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Mozilla/5.0 (X11; Linux x86_64)", "/api/agents/3f1c/memories", "eyes ghost bear basics",
      "EYJ-not-a-token", "Ghs:v1:upper-case-prefix-is-not-sealed"})
  void text_without_a_credential_is_left_alone(String raw) {
    assertEquals(raw, CredentialScrubber.scrub(raw));
  }
}
