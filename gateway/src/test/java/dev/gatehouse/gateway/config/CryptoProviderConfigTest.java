package dev.gatehouse.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.crypto.CryptoProviderChoice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tokens.cryptoProvider}: default, file, environment form, and a clear error naming the key. */
class CryptoProviderConfigTest {

  @TempDir
  Path dir;

  GatewayConfig load(String yaml, Map<String, String> env) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader().load(Optional.of(file), env, List.of());
  }

  @Test
  void defaults_to_auto_and_takes_jdk_from_the_file_or_the_environment() throws Exception {
    assertEquals(CryptoProviderChoice.AUTO, load("", Map.of()).tokens().cryptoProvider());
    assertEquals(CryptoProviderChoice.JDK, load("tokens:\n  cryptoProvider: jdk\n", Map.of()).tokens().cryptoProvider());
    assertEquals(CryptoProviderChoice.JDK,
        load("", Map.of("GATEHOUSE_TOKENS_CRYPTO_PROVIDER", "jdk")).tokens().cryptoProvider());
    assertEquals(CryptoProviderChoice.AUTO, load("tokens:\n  cryptoProvider: jdk\n",
        Map.of("GATEHOUSE_TOKENS_CRYPTO_PROVIDER", "auto")).tokens().cryptoProvider());
  }

  @Test
  void an_unknown_provider_is_refused_by_key() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load("", Map.of("GATEHOUSE_TOKENS_CRYPTO_PROVIDER", "openssl")));
    assertTrue(e.getMessage().startsWith("tokens.cryptoProvider: "), e.getMessage());
    assertTrue(e.getMessage().contains("GATEHOUSE_TOKENS_CRYPTO_PROVIDER"), e.getMessage());
    assertFalse(e.getMessage().contains("openssl"), "errors never echo the value");
  }
}
