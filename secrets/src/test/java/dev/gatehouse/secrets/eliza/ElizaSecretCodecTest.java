package dev.gatehouse.secrets.eliza;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.InvalidDocumentException;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.testsupport.Characters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Vectors from the elizaOS reference (verified there against openssl and core 1.7.2 / 2.0.0-alpha.537). */
class ElizaSecretCodecTest {

    static final String V1_DEFAULT_SALT =
            "7d76bfe393be5d9d496c44220d7fd8ca:aaca06ebd1a18b2ef0813daffab497b6378687fc0d3897132ba8645c2e69f2aa";
    static final String V1_CUSTOM_SALT = "62a7ddc74c2aee4ee1b4aaedbdc1236d:e7a9c78fce3b955b507823dbf65a08cc";
    static final String V2_DEFAULT_SALT =
            "v2:000102030405060708090a0b:846be8e3abfc996a94f939aae0de02dbe67fedd1833910:58d1fce7edf95f36a5443055ae55dfb1";

    private static String decrypt(String salt, String value) throws DecryptionFailedException {
        try (SecretValue saltValue = SecretValue.ofUtf8(salt); ElizaSecretCodec codec = new ElizaSecretCodec(saltValue);
             SecretValue plaintext = codec.decrypt(value)) {
            return plaintext.revealUtf8();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "v1 default salt, secretsalt, " + V1_DEFAULT_SALT + ", sk-test-settings-secret",
        "v1 custom salt, my-custom-salt, " + V1_CUSTOM_SALT + ", gw-secret-123",
        "v2 default salt, secretsalt, " + V2_DEFAULT_SALT + ", sk-test-settings-secret"})
    void referenceVectorsDecode(String name, String salt, String ciphertext, String expected) throws Exception {
        assertEquals(expected, decrypt(salt, ciphertext));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {V1_DEFAULT_SALT, V2_DEFAULT_SALT})
    void wrongSaltFails(String ciphertext) {
        assertThrows(DecryptionFailedException.class, () -> decrypt("not-the-salt", ciphertext));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "plain-value",
        "00112233445566778899aabbccddeeff:plain",
        "7d76bfe393be5d9d496c44220d7fd8ca:aaca06",
        "v2:000102030405060708090a0b:846b:58d1fce7edf95f36a5443055ae55dfb1ff",
        "v2:zz0102030405060708090a0b:846be8:58d1fce7edf95f36a5443055ae55dfb1"})
    void malformedValuesAreNotCiphertextsAndDoNotDecrypt(String value) {
        assertFalse(ElizaSecretCodec.isCiphertext(value));
        assertThrows(DecryptionFailedException.class, () -> decrypt("secretsalt", value));
    }

    @Test
    void tamperedV2TagFails() {
        String tampered = V2_DEFAULT_SALT.substring(0, V2_DEFAULT_SALT.length() - 1) + "0";
        assertThrows(DecryptionFailedException.class, () -> decrypt("secretsalt", tampered));
    }

    @Test
    void importDecryptsV1AndV2AndKeepsPlaintextValues() throws Exception {
        ObjectNode eliza = Characters.parse("""
                {"id": "agent-1", "name": "Eliza",
                 "settings": {"secrets": {"A": "%s", "B": "%s", "EMPTY": "", "PORT": 3000}},
                 "secrets": {"C": "runtime-plain"}}
                """.formatted(V1_DEFAULT_SALT, V2_DEFAULT_SALT));
        try (SecretValue salt = SecretValue.ofUtf8("secretsalt"); ElizaSecretCodec codec = new ElizaSecretCodec(salt)) {
            ElizaImport.Result result = ElizaImport.decryptSecrets(eliza, codec);
            assertEquals(2, result.decrypted());
            assertEquals(3, result.keptAsIs());
            assertEquals("sk-test-settings-secret", result.character().at("/settings/secrets/A").textValue());
            assertEquals("sk-test-settings-secret", result.character().at("/settings/secrets/B").textValue());
            assertEquals(3000, result.character().at("/settings/secrets/PORT").intValue());
            assertTrue(eliza.at("/settings/secrets/A").textValue().contains(":"), "input untouched");
        }
    }

    @Test
    void importFailsClosedOnOneValueThatDoesNotDecrypt() throws Exception {
        ObjectNode eliza = Characters.parse("{\"id\":\"a\",\"settings\":{\"secrets\":{\"A\":\"" + V1_CUSTOM_SALT + "\"}}}");
        try (SecretValue salt = SecretValue.ofUtf8("secretsalt"); ElizaSecretCodec codec = new ElizaSecretCodec(salt)) {
            assertThrows(DecryptionFailedException.class, () -> ElizaImport.decryptSecrets(eliza, codec));
        }
    }

    @Test
    void importRejectsANonObjectSecretsSection() throws Exception {
        try (SecretValue salt = SecretValue.ofUtf8("secretsalt"); ElizaSecretCodec codec = new ElizaSecretCodec(salt)) {
            assertThrows(InvalidDocumentException.class,
                    () -> ElizaImport.decryptSecrets(Characters.parse("{\"id\":\"a\",\"secrets\":\"x\"}"), codec));
        }
    }
}
