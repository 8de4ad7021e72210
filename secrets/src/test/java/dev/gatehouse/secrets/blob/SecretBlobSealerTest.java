package dev.gatehouse.secrets.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.provider.local.LocalKeyProvider;
import dev.gatehouse.secrets.testsupport.TestKeyrings;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SecretBlobSealerTest {

    private static final String JWK = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"d\":\"canary-private-part\"}";
    private static final String NAME = "gateway/signing-key/kid-1";

    @TempDir
    Path directory;

    private LocalKeyProvider provider;
    private SecretBlobSealer sealer;

    @BeforeEach
    void openProvider() {
        provider = TestKeyrings.open(TestKeyrings.create(directory));
        sealer = new SecretBlobSealer(provider);
    }

    @AfterEach
    void closeProvider() {
        provider.close();
    }

    @Test
    void blobRoundTripsUnderItsName() throws Exception {
        String blob = sealer.seal(NAME, SecretValue.ofUtf8(JWK));
        assertFalse(blob.contains("canary-private-part"));
        try (SecretValue opened = sealer.open(NAME, blob)) {
            assertEquals(JWK, opened.revealUtf8());
        }
    }

    @Test
    void blobDoesNotOpenUnderAnotherName() throws Exception {
        String blob = sealer.seal(NAME, SecretValue.ofUtf8(JWK));
        assertThrows(DecryptionFailedException.class, () -> sealer.open("gateway/signing-key/kid-2", blob));
    }

    private static Stream<Arguments> tamperings() {
        return Stream.of(
                Arguments.of("name field rewritten", (Consumer<ObjectNode>) b -> b.put("name", "other")),
                Arguments.of("ciphertext flipped", (Consumer<ObjectNode>) b -> b.put("ciphertext", flip(b.get("ciphertext").asText()))),
                Arguments.of("commitment flipped", (Consumer<ObjectNode>) b -> b.put("commitment", flip(b.get("commitment").asText()))),
                Arguments.of("data key id flipped", (Consumer<ObjectNode>) b -> b.put("data_key_id", flip(b.get("data_key_id").asText()))),
                Arguments.of("wrapped key flipped", (Consumer<ObjectNode>) b -> b.put("wrapped_key", flip(b.get("wrapped_key").asText()))),
                Arguments.of("provider changed", (Consumer<ObjectNode>) b -> b.put("provider", "vault-transit")),
                Arguments.of("unknown field added", (Consumer<ObjectNode>) b -> b.put("vault_address", "https://evil")),
                Arguments.of("field removed", (Consumer<ObjectNode>) b -> b.remove("commitment")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperings")
    void tamperedBlobFailsOpaquely(String tampering, Consumer<ObjectNode> change) throws Exception {
        ObjectNode blob = (ObjectNode) new ObjectMapper().readTree(sealer.seal(NAME, SecretValue.ofUtf8(JWK)));
        change.accept(blob);
        DecryptionFailedException failure = assertThrows(DecryptionFailedException.class, () -> sealer.open(NAME, blob.toString()));
        assertEquals("decryption failed", failure.getMessage());
    }

    @Test
    void garbageIsADecryptionFailure() {
        assertThrows(DecryptionFailedException.class, () -> sealer.open(NAME, "not json"));
        assertThrows(DecryptionFailedException.class, () -> sealer.open(NAME, "[]"));
    }

    private static String flip(String text) {
        int at = text.length() - 3;
        return text.substring(0, at) + (text.charAt(at) == 'A' ? 'B' : 'A') + text.substring(at + 1);
    }
}
