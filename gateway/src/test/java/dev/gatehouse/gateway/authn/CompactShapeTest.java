package dev.gatehouse.gateway.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The compact-JWS shape check accepts exactly three non-empty base64url segments. */
class CompactShapeTest {

  /** The language the check must accept, as a regular expression. */
  static final Pattern SPEC = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  @ParameterizedTest
  @ValueSource(strings = {"a.b.c", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_", "A-_.0.z"})
  void three_base64url_segments_are_accepted(String token) {
    assertTrue(TokenVerifier.compactShape(token));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a..c", ".b.c", "a.b.", "a.b", "a.b.c.d", "a.b.c=", "a.b.c ", " a.b.c",
      "a+b.c.d", "a/b.c.d", "a.b.c\n", "a.\u0663.c", "a.b.\u00e9", "a.b.c\u0000"})
  void anything_else_is_refused(String token) {
    assertFalse(TokenVerifier.compactShape(token));
  }

  @Test
  void agrees_with_the_specification_on_random_strings() {
    Random random = new Random(20_261_121L);
    String alphabet = "ab-_.=+/ \u00e9";
    for (int i = 0; i < 200_000; i++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(9);
      for (int j = 0; j < length; j++) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String token = s.toString();
      assertEquals(SPEC.matcher(token).matches(), TokenVerifier.compactShape(token), token);
    }
  }
}
