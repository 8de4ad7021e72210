package dev.gatehouse.secrets.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SecretsConfigException;
import dev.gatehouse.secrets.format.CharacterSealer;
import dev.gatehouse.secrets.provider.local.LocalKeyringConfig;
import dev.gatehouse.secrets.provider.vault.RetryPolicy;
import dev.gatehouse.secrets.provider.vault.VaultAuth;
import dev.gatehouse.secrets.provider.vault.VaultTransitConfig;
import dev.gatehouse.secrets.testsupport.Characters;
import dev.gatehouse.secrets.testsupport.TestKeyrings;
import dev.gatehouse.secrets.testsupport.TransitDouble;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyProvidersTest {

    @TempDir
    Path directory;

    private static VaultTransitConfig vault(String address) {
        return new VaultTransitConfig(URI.create(address), "transit", "gatehouse-characters", null,
                new VaultAuth.Token(SecretValue.ofUtf8("hvs.test")), null, Duration.ofSeconds(1), Duration.ofSeconds(1),
                RetryPolicy.DEFAULT);
    }

    @Test
    void productionProfileRefusesTheLocalProvider() {
        LocalKeyringConfig config = TestKeyrings.create(directory);
        SecretsConfigException refused = assertThrows(SecretsConfigException.class,
                () -> KeyProviders.open(Profile.PRODUCTION, config, Map.of()));
        assertTrue(refused.getMessage().contains("production profile refuses"));
    }

    @Test
    void productionProfileRefusesDocumentsSealedByTheLocalProvider() throws Exception {
        ObjectNode sealedLocally;
        try (KeyProvider local = KeyProviders.open(Profile.DEVELOPMENT, TestKeyrings.create(directory), Map.of())) {
            sealedLocally = new CharacterSealer(local).seal(Characters.sample("c-1"));
        }
        try (TransitDouble double_ = new TransitDouble("transit")) {
            double_.createDerivedKey("gatehouse-characters");
            VaultTransitConfig production = new VaultTransitConfig(double_.address(), "transit", "gatehouse-characters", null,
                    new VaultAuth.Token(SecretValue.ofUtf8(double_.issueToken(0, false))), null,
                    Duration.ofSeconds(1), Duration.ofSeconds(1), RetryPolicy.DEFAULT);
            try (KeyProvider vault = KeyProviders.open(Profile.DEVELOPMENT, production, Map.of())) {
                assertThrows(DecryptionFailedException.class, () -> new CharacterSealer(vault).open(sealedLocally));
            }
            assertEquals(0, double_.requests().size(), "refused before any provider call");
        }
    }

    @Test
    void productionProfileRefusesPlainHttpVault() {
        assertThrows(SecretsConfigException.class,
                () -> KeyProviders.open(Profile.PRODUCTION, vault("http://vault.internal:8200"), Map.of()));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"VAULT_SSL_VERIFY,false", "VAULT_SSL_VERIFY,0", "VAULT_SKIP_VERIFY,true", "VAULT_SKIP_VERIFY,1"})
    void productionProfileRefusesTlsVerificationSwitchedOffByEnvironment(String variable, String value) {
        SecretsConfigException refused = assertThrows(SecretsConfigException.class,
                () -> KeyProviders.open(Profile.PRODUCTION, vault("https://vault.internal:8200"), Map.of(variable, value)));
        assertTrue(refused.getMessage().contains("TLS verification cannot be disabled"));
    }

    @Test
    void productionProfileAcceptsHttpsVaultWithVerificationOn() throws Exception {
        KeyProviders.open(Profile.PRODUCTION, vault("https://vault.internal:8200"), Map.of("VAULT_SSL_VERIFY", "true")).close();
    }

    @Test
    void productionProfileRefusesTheJdkHostnameVerificationSwitch() {
        System.setProperty(VaultTransitConfig.JDK_HOSTNAME_VERIFICATION_SWITCH, "true");
        try {
            assertThrows(SecretsConfigException.class,
                    () -> KeyProviders.open(Profile.PRODUCTION, vault("https://vault.internal:8200"), Map.of()));
        } finally {
            System.clearProperty(VaultTransitConfig.JDK_HOSTNAME_VERIFICATION_SWITCH);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ftp://vault:8200", "https://user:pw@vault:8200", "https://vault:8200/v1/other", "https://vault:8200?x=1"})
    void malformedVaultAddressIsRefused(String address) {
        assertThrows(SecretsConfigException.class, () -> KeyProviders.open(Profile.DEVELOPMENT, vault(address), Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"'../sys'", "'a/../../b'", "'key?x'", "''"})
    void pathLikeKeyNamesAreRefused(String keyName) {
        VaultTransitConfig config = new VaultTransitConfig(URI.create("https://vault:8200"), "transit", keyName, null,
                new VaultAuth.Token(SecretValue.ofUtf8("t")), null, Duration.ofSeconds(1), Duration.ofSeconds(1), RetryPolicy.DEFAULT);
        assertThrows(SecretsConfigException.class, () -> KeyProviders.open(Profile.DEVELOPMENT, config, Map.of()));
    }

    @Test
    void vaultSettingsComeFromTheEnvironment() throws Exception {
        VaultTransitConfig config = VaultTransitConfig.fromEnvironment(Map.of("VAULT_ADDR", "https://vault:8200",
                "VAULT_ROLE_ID", "role", "VAULT_SECRET_ID", "secret", "VAULT_NAMESPACE", "team-a"), "transit", "k");
        assertTrue(config.auth() instanceof VaultAuth.AppRole);
        assertEquals("team-a", config.namespace());
        assertEquals("approle", ((VaultAuth.AppRole) config.auth()).mount());
        assertTrue(!config.toString().contains("secret,") && !config.toString().contains("=secret"), "credentials redacted");
        assertThrows(SecretsConfigException.class, () -> VaultTransitConfig.fromEnvironment(Map.of(), "transit", "k"));
        assertThrows(SecretsConfigException.class,
                () -> VaultTransitConfig.fromEnvironment(Map.of("VAULT_ADDR", "https://vault:8200"), "transit", "k"));
    }

    @Test
    void keyringReadableByOthersIsRefused() throws Exception {
        LocalKeyringConfig config = TestKeyrings.create(directory);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config.keyringFile())));
        Files.setPosixFilePermissions(config.keyringFile(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThrows(SecretsConfigException.class, () -> KeyProviders.open(Profile.DEVELOPMENT, config, Map.of()));
    }

    @Test
    void missingKeyringOrKeyIsAConfigurationError() {
        assertThrows(SecretsConfigException.class, () -> KeyProviders.open(Profile.DEVELOPMENT,
                new LocalKeyringConfig(directory.resolve("absent.json"), "k"), Map.of()));
        LocalKeyringConfig config = TestKeyrings.create(directory);
        assertThrows(SecretsConfigException.class, () -> KeyProviders.open(Profile.DEVELOPMENT,
                new LocalKeyringConfig(config.keyringFile(), "other-key"), Map.of()));
    }
}
