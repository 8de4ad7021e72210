package dev.gatehouse.secrets.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.crypto.AesGcm;
import dev.gatehouse.secrets.crypto.LengthPrefixed;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Constants and byte-level rules of the {@code ghs:v1} sealed character format. The module README
 * documents the same rules with a worked example; the known-answer vectors under
 * {@code src/test/resources/vectors} pin them.
 */
public final class SealedCharacterFormat {

    /** Format version, written in the header and bound into every AAD and MAC. */
    public static final String VERSION = "ghs:v1";
    /** Prefix of every sealed value: {@code ghs:v1:<base64url(nonce || ciphertext || tag)>}. */
    public static final String VALUE_PREFIX = VERSION + ":";
    /** Longest character id accepted. */
    public static final int MAX_CHARACTER_ID_CHARS = 256;

    static final String KEY_LABEL = "gatehouse " + VERSION;
    static final String VALUE_AAD_DOMAIN = "gatehouse sealed character value v1";
    static final String MAC_DOMAIN = "gatehouse sealed character mac v1";

    /** Orders pointers by their UTF-8 bytes, unsigned, so every implementation sorts alike. */
    static final Comparator<String> BY_UTF8 =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private SealedCharacterFormat() {
    }

    /** {@code LP(domain) || LP("ghs:v1") || LP(character id) || LP(pointer) || LP(data key id)}. */
    static byte[] valueAad(String characterId, String pointer, byte[] dataKeyId) {
        return LengthPrefixed.domain(VALUE_AAD_DOMAIN).add(VERSION).add(characterId).add(pointer).add(dataKeyId).toBytes();
    }

    /**
     * {@code LP(domain) || LP("ghs:v1") || LP(character id) || LP(provider) || LP(key name) ||
     * LP(data key id) || LP(commitment) || uint32(n) || n × (LP(pointer) || LP(sealed value))},
     * pairs sorted by pointer bytes.
     */
    static byte[] macInput(String characterId, String provider, String keyName, byte[] dataKeyId, byte[] commitment,
            SortedMap<String, String> sealedValues) {
        LengthPrefixed input = LengthPrefixed.domain(MAC_DOMAIN).add(VERSION).add(characterId).add(provider)
                .add(keyName).add(dataKeyId).add(commitment).addCount(sealedValues.size());
        for (Map.Entry<String, String> pair : sealedValues.entrySet()) {
            input.add(pair.getKey()).add(pair.getValue());
        }
        return input.toBytes();
    }

    static SortedMap<String, String> newPairs() {
        return new TreeMap<>(BY_UTF8);
    }

    static String sealValue(byte[] valueKey, byte[] plaintext, byte[] aad) {
        return VALUE_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(AesGcm.seal(valueKey, plaintext, aad));
    }

    static byte[] openValue(byte[] valueKey, String sealed, byte[] aad) throws DecryptionFailedException {
        if (!sealed.startsWith(VALUE_PREFIX)) {
            throw new DecryptionFailedException();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(sealed.substring(VALUE_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new DecryptionFailedException();
        }
        return AesGcm.open(valueKey, raw, aad);
    }

    /** The character id a document is bound to, or {@code null} when {@code id} is absent or unusable. */
    static String characterId(ObjectNode document) {
        JsonNode id = document.get("id");
        if (id == null || !id.isTextual()) {
            return null;
        }
        String value = id.textValue();
        if (value.isEmpty() || value.length() > MAX_CHARACTER_ID_CHARS || value.chars().anyMatch(Character::isISOControl)) {
            return null;
        }
        return value;
    }
}
