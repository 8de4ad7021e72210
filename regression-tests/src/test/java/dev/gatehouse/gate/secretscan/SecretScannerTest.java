package dev.gatehouse.gate.secretscan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.gatehouse.gate.secretscan.SecretScanner.Finding;
import dev.gatehouse.gate.secretscan.SecretScanner.Rule;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Planted secrets are found and ordinary code is not. The planted values are built at run time,
 * so this source itself holds nothing the repository scan would report.
 */
class SecretScannerTest {

  static final SecureRandom RANDOM = new SecureRandom();

  static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static List<Rule> rules(String text) {
    return SecretScanner.scanText("f", text).stream().map(Finding::rule).toList();
  }

  @Test
  void each_rule_finds_its_planted_secret_on_its_line() {
    String begin = "-----" + "BEGIN ";
    String jwt = "ey" + "J" + random(12) + ".ey" + "J" + random(24) + "." + random(32);
    String text = String.join("\n",
        "first line",
        begin + "PRIVATE KEY-----",
        begin + "EC PRIVATE KEY-----",
        begin + "OPENSSH PRIVATE KEY-----",
        "Authorization: Bearer " + jwt,
        "aws = " + "AK" + "IA" + "ABCDEFGHIJKLMNOP",
        "GH=" + "gh" + "p_" + "a".repeat(36),
        "API_KEY=" + HexFormat.of().formatHex(new byte[] {1, 35, 69, 103, -119, -85, -51, -17, 1, 35, 69, 103,
            -119, -85, -51, -17}),
        "  \"clientSecret\": \"" + "Zq8" + random(24) + "\",");

    List<Finding> findings = SecretScanner.scanText("planted.txt", text);

    assertEquals(List.of(
        new Finding("planted.txt", 2, Rule.PRIVATE_KEY),
        new Finding("planted.txt", 3, Rule.PRIVATE_KEY),
        new Finding("planted.txt", 4, Rule.PRIVATE_KEY),
        new Finding("planted.txt", 5, Rule.JWT),
        new Finding("planted.txt", 6, Rule.KNOWN_TOKEN),
        new Finding("planted.txt", 7, Rule.KNOWN_TOKEN),
        new Finding("planted.txt", 8, Rule.ASSIGNED_SECRET),
        new Finding("planted.txt", 9, Rule.ASSIGNED_SECRET)), findings);
  }

  @Test
  void a_finding_never_carries_the_value() {
    String value = "Zq8" + random(24);
    List<Finding> findings = SecretScanner.scanText("config.env", "DB_PASSWORD=" + value);

    assertEquals(List.of(new Finding("config.env", 1, Rule.ASSIGNED_SECRET)), findings);
    assertFalse(findings.get(0).toString().contains(value), findings.get(0).toString());
  }

  @Test
  void code_words_placeholders_and_public_key_blocks_are_not_findings() {
    assertEquals(List.of(), rules(String.join("\n",
        "String cacheKey = VerifiedTokenCache.key(token);",
        "static final String DEFAULT_TOKEN_FILE = \".gatehouse/admin-token\";",
        "static final String RUNTIME_KEY = \"runtime-key-canary-41d7\";",
        "HKDF_SALT = \"gatehouse-local-keyring/v1\"",
        "upstream.apiKey: ${RUNTIME_API_KEY}",
        "password=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "-----" + "BEGIN PUBLIC KEY-----",
        "-----" + "BEGIN CERTIFICATE-----",
        "an unsigned token ey" + "J" + random(12) + ".ey" + "J" + random(24) + ".")));
  }
}
