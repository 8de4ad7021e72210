package dev.gatehouse.secrets.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.blob.SecretBlobSealer;
import dev.gatehouse.secrets.crypto.DataKeySchedule;
import dev.gatehouse.secrets.crypto.HmacSha256;
import dev.gatehouse.secrets.provider.KeyContext;
import dev.gatehouse.secrets.provider.KeyProvider.UnwrapRequest;
import dev.gatehouse.secrets.provider.local.LocalKeyProvider;
import dev.gatehouse.secrets.provider.local.LocalKeyringConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the ghs:v1 byte layout with the committed vector {@code vectors/ghs-v1.json} and its keyring
 * {@code vectors/keyring.json}: the sealed document must open to the plaintext, and every
 * intermediate (data key, derived keys, AAD, plaintext encoding, MAC input, MAC) must be
 * reproduced exactly as the README describes.
 */
class KnownAnswerVectorsTest {

    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path directory;

    private JsonNode vector;
    private LocalKeyProvider provider;

    @BeforeEach
    void loadVector() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/vectors/ghs-v1.json")) {
            vector = CharacterJson.read(in.readAllBytes());
        }
        Path keyring = directory.resolve("keyring.json");
        try (InputStream in = getClass().getResourceAsStream("/vectors/keyring.json")) {
            Files.write(keyring, in.readAllBytes());
        }
        Files.setPosixFilePermissions(keyring, PosixFilePermissions.fromString("rw-------"));
        provider = LocalKeyProvider.open(new LocalKeyringConfig(keyring, "gatehouse-characters"));
    }

    @AfterEach
    void closeProvider() {
        provider.close();
    }

    @Test
    void sealedVectorOpensToItsPlaintext() throws Exception {
        assertEquals(vector.get("plaintext"), new CharacterSealer(provider).open((ObjectNode) vector.get("sealed")));
    }

    @Test
    void intermediatesAreReproduced() throws Exception {
        ObjectNode sealed = (ObjectNode) vector.get("sealed");
        JsonNode expected = vector.get("intermediate");
        String id = sealed.get("id").textValue();
        SealHeader header = SealHeader.parse(sealed);
        assertEquals(expected.get("data_key_id").textValue(), HEX.formatHex(header.dataKeyId()));
        try (SecretValue dataKey = provider.unwrap(List.of(new UnwrapRequest(KeyContext.forCharacter(id), header.wrappedKey()))).get(0);
             DataKeySchedule keys = DataKeySchedule.derive("gatehouse ghs:v1", dataKey, header.dataKeyId())) {
            assertEquals(expected.get("data_key").textValue(), HEX.formatHex(dataKey.copyBytes()));
            assertEquals(expected.get("value_key").textValue(), HEX.formatHex(keys.valueKey()));
            assertEquals(expected.get("mac_key").textValue(), HEX.formatHex(keys.macKey()));
            assertEquals(expected.get("commitment").textValue(), HEX.formatHex(keys.commitment()));
            assertEquals(expected.get("commitment").textValue(), HEX.formatHex(header.commitment()));

            String pointer = expected.get("example_pointer").textValue();
            byte[] aad = SealedCharacterFormat.valueAad(id, pointer, header.dataKeyId());
            assertEquals(expected.get("example_aad").textValue(), HEX.formatHex(aad));
            byte[] plaintext = SealedCharacterFormat.openValue(keys.valueKey(), sealed.at(pointer).textValue(), aad);
            assertEquals(expected.get("example_plaintext").textValue(), HEX.formatHex(plaintext));
            assertEquals("73" + HEX.formatHex("sk-vector-openai".getBytes(StandardCharsets.US_ASCII)),
                    HEX.formatHex(plaintext), "type tag 's' then UTF-8");

            SortedMap<String, String> pairs = SealedCharacterFormat.newPairs();
            SecretSections.transform(sealed.deepCopy(), (p, leaf) -> {
                pairs.put(p, leaf.textValue());
                return leaf;
            });
            byte[] macInput = SealedCharacterFormat.macInput(id, header.provider(), header.wrappedKey().keyName(),
                    header.dataKeyId(), header.commitment(), pairs);
            assertEquals(expected.get("mac_input").textValue(), HEX.formatHex(macInput));
            assertEquals(expected.get("mac").textValue(), HEX.formatHex(HmacSha256.compute(keys.macKey(), macInput)));
            assertEquals(expected.get("mac").textValue(), HEX.formatHex(header.mac()));
        }
    }

    @Test
    void pointersAreEscapedAndSortedByUtf8Bytes() throws Exception {
        SortedMap<String, String> pairs = SealedCharacterFormat.newPairs();
        SecretSections.transform(((ObjectNode) vector.get("sealed")).deepCopy(), (p, leaf) -> {
            pairs.put(p, leaf.textValue());
            return leaf;
        });
        assertEquals(List.of("/secrets/DISCORD_TOKEN", "/settings/secrets/EMPTY", "/settings/secrets/ENABLED",
                "/settings/secrets/OPENAI_API_KEY", "/settings/secrets/PORT", "/settings/secrets/RATIO",
                "/settings/secrets/UNSET", "/settings/secrets/WEBHOOKS/0", "/settings/secrets/WEBHOOKS/1/token",
                "/settings/secrets/a~1b~0c"), List.copyOf(pairs.keySet()));
    }

    @Test
    void sealedBlobVectorOpens() throws Exception {
        JsonNode blob = vector.get("blob");
        try (SecretValue opened = new SecretBlobSealer(provider).open(blob.get("name").textValue(), blob.get("sealed").textValue())) {
            assertEquals(blob.get("plaintext").textValue(), opened.revealUtf8());
        }
    }
}
