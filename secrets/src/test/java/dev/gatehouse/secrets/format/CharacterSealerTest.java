package dev.gatehouse.secrets.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.InvalidDocumentException;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.crypto.AesGcm;
import dev.gatehouse.secrets.provider.KeyContext;
import dev.gatehouse.secrets.provider.KeyProvider.WrapRequest;
import dev.gatehouse.secrets.provider.WrappedKey;
import dev.gatehouse.secrets.provider.local.LocalKeyProvider;
import dev.gatehouse.secrets.testsupport.Characters;
import dev.gatehouse.secrets.testsupport.TestKeyrings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CharacterSealerTest {

    private static final String ID = "5b7b4c6e-8a0e-4f43-9a3b-3f2d8c1e9d10";

    @TempDir
    Path directory;

    private LocalKeyProvider provider;
    private CharacterSealer sealer;

    @BeforeEach
    void openProvider() {
        provider = TestKeyrings.open(TestKeyrings.create(directory));
        sealer = new CharacterSealer(provider);
    }

    @AfterEach
    void closeProvider() {
        provider.close();
    }

    private static Stream<Arguments> secretShapes() {
        return Stream.of(
                Arguments.of("string", "\"sk-live-1\""),
                Arguments.of("empty string", "\"\""),
                Arguments.of("unicode string", "\"clé 🔑 \\u0000 \\\"quoted\\\"\""),
                Arguments.of("integer", "42"),
                Arguments.of("negative big integer", "-123456789012345678901234567890"),
                Arguments.of("decimal with trailing zero", "1.50"),
                Arguments.of("exponent", "6.02E+23"),
                Arguments.of("true", "true"),
                Arguments.of("false", "false"),
                Arguments.of("null", "null"),
                Arguments.of("array of mixed leaves", "[\"a\", 1, true, null, \"\"]"),
                Arguments.of("object nested three deep", "{\"a\": {\"b\": {\"c\": \"deep\"}}}"),
                Arguments.of("arrays in arrays", "[[\"x\", [\"y\"]], {\"k\": [false]}]"),
                Arguments.of("empty object and array", "{\"o\": {}, \"a\": []}"),
                Arguments.of("key with slash and tilde", "{\"a/b~c\": \"escaped pointer\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secretShapes")
    void everyJsonTypeAndNestingRoundTrips(String shape, String json) throws Exception {
        ObjectNode character = Characters.parse("{\"id\":\"" + ID + "\",\"settings\":{\"secrets\":{\"S\":" + json
                + "}},\"secrets\":{\"T\":" + json + "}}");
        ObjectNode sealed = sealer.seal(character);
        assertEquals(character, sealer.open(sealed));
        assertEquals(character, sealer.open(Characters.parse(new String(CharacterJson.write(sealed), StandardCharsets.UTF_8))),
                "round trip through the file form");
    }

    @Test
    void sampleCharacterRoundTripsAndOnlySecretLeavesChange() throws Exception {
        ObjectNode character = Characters.sample(ID);
        ObjectNode sealed = sealer.seal(character);
        assertEquals(character, sealer.open(sealed));
        assertEquals(character.get("bio"), sealed.get("bio"));
        assertEquals(character.get("plugins"), sealed.get("plugins"));
        assertEquals(character.at("/settings/model"), sealed.at("/settings/model"));
        assertEquals(2, sealed.at("/settings/secrets/WEBHOOKS").size(), "array structure stays readable");
        assertTrue(sealed.at("/settings/secrets/NESTED/inner").isObject(), "object structure stays readable");
        List<String> leaves = secretLeaves(sealed);
        assertEquals(13, leaves.size());
        leaves.forEach(leaf -> assertTrue(leaf.startsWith("ghs:v1:"), "every secret leaf is sealed"));
    }

    @Test
    void sealingDoesNotModifyTheInput() throws Exception {
        ObjectNode character = Characters.sample(ID);
        ObjectNode copy = character.deepCopy();
        sealer.seal(character);
        assertEquals(copy, character);
    }

    @Test
    void emptySecretIsSealedAndNotEmptyOnDisk() throws Exception {
        ObjectNode sealed = sealer.seal(Characters.parse("{\"id\":\"" + ID + "\",\"secrets\":{\"EMPTY\":\"\"}}"));
        String onDisk = sealed.at("/secrets/EMPTY").textValue();
        assertTrue(onDisk.startsWith("ghs:v1:"));
        assertTrue(onDisk.length() > "ghs:v1:".length() + 30, "nonce, tag and type byte are present");
        assertEquals("", sealer.open(sealed).at("/secrets/EMPTY").textValue());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "ghs:v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "v2:000102030405060708090a0b:846be8e3abfc996a94f939aae0de02db:58d1fce7edf95f36a5443055ae55dfb1",
        "7d76bfe393be5d9d496c44220d7fd8ca:aaca06ebd1a18b2ef0813daffab497b6",
        "vault:v1:c2VjcmV0"})
    void plaintextThatLooksLikeCiphertextIsStillEncrypted(String lookalike) throws Exception {
        ObjectNode character = Characters.parse("{\"id\":\"" + ID + "\",\"secrets\":{\"K\":\"" + lookalike + "\"}}");
        ObjectNode sealed = sealer.seal(character);
        assertNotEquals(lookalike, sealed.at("/secrets/K").textValue());
        assertEquals(lookalike, sealer.open(sealed).at("/secrets/K").textValue());
    }

    @Test
    void sameSecretGivesDifferentCiphertextsInOneDocumentAcrossSealsAndAcrossCharacters() throws Exception {
        Set<String> seen = new HashSet<>();
        for (String id : List.of("character-a", "character-b")) {
            for (int seal = 0; seal < 2; seal++) {
                ObjectNode sealed = sealer.seal(Characters.parse(
                        "{\"id\":\"" + id + "\",\"secrets\":{\"A\":\"same\",\"B\":\"same\"}}"));
                seen.add(sealed.at("/secrets/A").textValue());
                seen.add(sealed.at("/secrets/B").textValue());
            }
        }
        assertEquals(8, seen.size());
    }

    @Test
    void sealingCostsOneProviderCallAndOpeningOne() throws Exception {
        CountingProvider counting = new CountingProvider(provider);
        CharacterSealer countingSealer = new CharacterSealer(counting);
        ObjectNode sealed = countingSealer.seal(Characters.withSecrets(ID, 20));
        assertEquals(1, counting.calls());
        countingSealer.open(sealed);
        assertEquals(2, counting.calls());
    }

    // ---- rejections: every one is the same opaque failure ----

    private static Stream<Arguments> tamperings() {
        return Stream.of(
                Arguments.of("value ciphertext bit flipped", tamper(doc -> flipInValue(doc, "/settings/secrets/OPENAI_API_KEY", 12))),
                Arguments.of("value tag bit flipped", tamper(doc -> flipInValue(doc, "/settings/secrets/OPENAI_API_KEY", -2))),
                Arguments.of("value nonce bit flipped", tamper(doc -> flipInValue(doc, "/settings/secrets/OPENAI_API_KEY", 8))),
                Arguments.of("value truncated", tamper(doc -> set(doc, "/settings/secrets/PORT",
                        doc.at("/settings/secrets/PORT").textValue().substring(0, 20)))),
                Arguments.of("value replaced by plaintext", tamper(doc -> set(doc, "/settings/secrets/PORT", "8080"))),
                Arguments.of("value replaced by an elizaOS v1 ciphertext", tamper(doc -> set(doc, "/settings/secrets/PORT",
                        "7d76bfe393be5d9d496c44220d7fd8ca:aaca06ebd1a18b2ef0813daffab497b6378687fc0d3897132ba8645c2e69f2aa"))),
                Arguments.of("value replaced by a number", tamper(doc -> ((ObjectNode) doc.at("/settings/secrets")).put("PORT", 8080))),
                Arguments.of("values swapped between keys", tamper(doc -> swap(doc, "/settings/secrets", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"))),
                Arguments.of("value moved to another key", tamper(doc -> {
                    ObjectNode secrets = (ObjectNode) doc.at("/settings/secrets");
                    secrets.set("ANTHROPIC_API_KEY", secrets.get("OPENAI_API_KEY"));
                })),
                Arguments.of("value moved to array index 1", tamper(doc -> ((ArrayNode) doc.at("/settings/secrets/WEBHOOKS"))
                        .set(1, doc.at("/settings/secrets/WEBHOOKS/0")))),
                Arguments.of("value moved from settings.secrets to secrets", tamper(doc ->
                        ((ObjectNode) doc.get("secrets")).set("OPENAI_API_KEY", doc.at("/settings/secrets/OPENAI_API_KEY")))),
                Arguments.of("secret deleted", tamper(doc -> ((ObjectNode) doc.at("/settings/secrets")).remove("ENABLED"))),
                Arguments.of("secret added", tamper(doc -> ((ObjectNode) doc.get("secrets")).set("EXTRA", doc.get("secrets").get("DISCORD_TOKEN")))),
                Arguments.of("character id changed", tamper(doc -> doc.put("id", "another-character"))),
                Arguments.of("character id removed", tamper(doc -> doc.remove("id"))),
                Arguments.of("header removed", tamper(doc -> doc.remove(SealHeader.FIELD))),
                Arguments.of("header format changed", tamper(doc -> header(doc).put("format", "ghs:v2"))),
                Arguments.of("header provider changed", tamper(doc -> header(doc).put("provider", "vault-transit"))),
                Arguments.of("header key name changed", tamper(doc -> header(doc).put("key", "other-key"))),
                Arguments.of("header key version changed", tamper(doc -> header(doc).put("key_version", 2))),
                Arguments.of("header wrapped key flipped", tamper(doc -> header(doc).put("wrapped_key",
                        flip(header(doc).get("wrapped_key").textValue(), -3)))),
                Arguments.of("header data key id changed", tamper(doc -> header(doc).put("data_key_id",
                        flip(header(doc).get("data_key_id").textValue(), 3)))),
                Arguments.of("header commitment changed", tamper(doc -> header(doc).put("commitment",
                        flip(header(doc).get("commitment").textValue(), 3)))),
                Arguments.of("header MAC changed", tamper(doc -> header(doc).put("mac", flip(header(doc).get("mac").textValue(), 3)))),
                Arguments.of("header MAC missing", tamper(doc -> header(doc).remove("mac"))),
                Arguments.of("header with unknown field", tamper(doc -> header(doc).put("vault_address", "http://127.0.0.1:9"))),
                Arguments.of("secrets section replaced by a string", tamper(doc -> doc.put("secrets", "x"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperings")
    void tamperedDocumentFailsOpaquely(String tampering, Consumer<ObjectNode> change) throws Exception {
        ObjectNode sealed = sealer.seal(Characters.sample(ID));
        change.accept(sealed);
        DecryptionFailedException failure = assertThrows(DecryptionFailedException.class, () -> sealer.open(sealed));
        assertEquals("decryption failed", failure.getMessage());
        assertEquals(0, failure.getStackTrace().length, "no stack trace reveals the failing stage");
        assertThrows(DecryptionFailedException.class, () -> sealer.check(sealed));
    }

    @Test
    void valueCopiedIntoAnotherCharacterFails() throws Exception {
        ObjectNode a = sealer.seal(Characters.sample("character-a"));
        ObjectNode b = sealer.seal(Characters.sample("character-b"));
        set(b, "/settings/secrets/OPENAI_API_KEY", a.at("/settings/secrets/OPENAI_API_KEY").textValue());
        assertThrows(DecryptionFailedException.class, () -> sealer.open(b));
    }

    @Test
    void headerAndValuesCopiedIntoAnotherCharacterFail() throws Exception {
        ObjectNode a = sealer.seal(Characters.sample("character-a"));
        a.put("id", "character-b");
        assertThrows(DecryptionFailedException.class, () -> sealer.open(a));
    }

    @Test
    void olderCiphertextOfTheSameFieldIsRejected() throws Exception {
        ObjectNode first = sealer.seal(Characters.sample(ID));
        ObjectNode second = sealer.seal(Characters.sample(ID));
        set(second, "/settings/secrets/OPENAI_API_KEY", first.at("/settings/secrets/OPENAI_API_KEY").textValue());
        assertThrows(DecryptionFailedException.class, () -> sealer.open(second));
    }

    @Test
    void wrappedKeyOfADifferentDataKeyFailsTheCommitment() throws Exception {
        ObjectNode sealed = sealer.seal(Characters.sample(ID));
        try (SecretValue otherDataKey = SecretValue.adopt(AesGcm.randomBytes(32))) {
            WrappedKey other = provider.wrap(List.of(new WrapRequest(KeyContext.forCharacter(ID), otherDataKey))).get(0);
            header(sealed).put("wrapped_key", other.ciphertext());
        }
        assertThrows(DecryptionFailedException.class, () -> sealer.open(sealed));
    }

    @Test
    void failuresAreIndistinguishableAcrossStages() throws Exception {
        List<DecryptionFailedException> failures = new ArrayList<>();
        for (Arguments tampering : tamperings().toList()) {
            ObjectNode sealed = sealer.seal(Characters.sample(ID));
            @SuppressWarnings("unchecked")
            Consumer<ObjectNode> change = (Consumer<ObjectNode>) tampering.get()[1];
            change.accept(sealed);
            failures.add(assertThrows(DecryptionFailedException.class, () -> sealer.open(sealed)));
        }
        failures.forEach(f -> {
            assertEquals(DecryptionFailedException.class, f.getClass());
            assertEquals(DecryptionFailedException.MESSAGE, f.getMessage());
            assertEquals(null, f.getCause());
        });
    }

    @Test
    void sealingADocumentWithoutIdIsRejected() {
        assertThrows(InvalidDocumentException.class, () -> sealer.seal(Characters.parse("{\"secrets\":{\"A\":\"x\"}}")));
        assertThrows(InvalidDocumentException.class, () -> sealer.seal(Characters.parse("{\"id\":\"\",\"secrets\":{}}")));
        assertThrows(InvalidDocumentException.class, () -> sealer.seal(Characters.parse("{\"id\":7,\"secrets\":{}}")));
    }

    @Test
    void sealingAnAlreadySealedDocumentIsRejected() throws Exception {
        ObjectNode sealed = sealer.seal(Characters.sample(ID));
        assertThrows(InvalidDocumentException.class, () -> sealer.seal(sealed));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\"secrets\":\"plain\"", "\"secrets\":[\"a\"]", "\"secrets\":null", "\"settings\":{\"secrets\":42}"})
    void sealingANonObjectSecretsSectionIsRejectedRatherThanLeftInTheClear(String section) {
        assertThrows(InvalidDocumentException.class,
                () -> sealer.seal(Characters.parse("{\"id\":\"" + ID + "\"," + section + "}")));
    }

    @Test
    void documentWithoutSecretsStillGetsAHeaderAndOpens() throws Exception {
        ObjectNode character = Characters.parse("{\"id\":\"" + ID + "\",\"name\":\"no secrets\"}");
        ObjectNode sealed = sealer.seal(character);
        assertTrue(sealed.has(SealHeader.FIELD));
        assertEquals(character, sealer.open(sealed));
    }

    @Test
    void checkReportsWithoutValues() throws Exception {
        CheckReport report = sealer.check(sealer.seal(Characters.sample(ID)));
        assertEquals(new CheckReport(ID, "local", "gatehouse-characters", 1, 13), report);
        assertFalse(report.toString().contains("sk-test-openai"));
    }

    @Test
    void rekeyChangesDataKeyAndEveryCiphertextButNotTheValues() throws Exception {
        ObjectNode character = Characters.sample(ID);
        ObjectNode sealed = sealer.seal(character);
        ObjectNode rekeyed = sealer.rekey(sealed);
        assertNotEquals(sealed.at("/gatehouse_seal/data_key_id"), rekeyed.at("/gatehouse_seal/data_key_id"));
        List<String> before = secretLeaves(sealed);
        List<String> after = secretLeaves(rekeyed);
        for (int i = 0; i < before.size(); i++) {
            assertNotEquals(before.get(i), after.get(i));
        }
        assertEquals(character, sealer.open(rekeyed));
    }

    // ---- helpers ----

    static List<String> secretLeaves(JsonNode document) {
        List<String> leaves = new ArrayList<>();
        try {
            SecretSections.transform((ObjectNode) document.deepCopy(), (pointer, leaf) -> {
                leaves.add(leaf.asText());
                return leaf;
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return leaves;
    }

    private static Consumer<ObjectNode> tamper(Consumer<ObjectNode> change) {
        return change;
    }

    private static ObjectNode header(ObjectNode document) {
        return (ObjectNode) document.get(SealHeader.FIELD);
    }

    private static void set(ObjectNode document, String pointer, String value) {
        int slash = pointer.lastIndexOf('/');
        ((ObjectNode) document.at(pointer.substring(0, slash))).put(pointer.substring(slash + 1), value);
    }

    private static void swap(ObjectNode document, String section, String a, String b) {
        ObjectNode node = (ObjectNode) document.at(section);
        JsonNode first = node.get(a);
        node.set(a, node.get(b));
        node.set(b, first);
    }

    private static void flipInValue(ObjectNode document, String pointer, int offset) {
        set(document, pointer, flip(document.at(pointer).textValue(), offset));
    }

    /** Changes one base64url character at {@code offset} (negative = from the end). */
    static String flip(String text, int offset) {
        int at = offset >= 0 ? offset : text.length() + offset;
        char replacement = text.charAt(at) == 'A' ? 'B' : 'A';
        return text.substring(0, at) + replacement + text.substring(at + 1);
    }
}
