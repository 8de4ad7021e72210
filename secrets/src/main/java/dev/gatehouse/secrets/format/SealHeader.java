package dev.gatehouse.secrets.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.crypto.DataKeySchedule;
import dev.gatehouse.secrets.crypto.HmacSha256;
import dev.gatehouse.secrets.provider.WrappedKey;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * The {@code gatehouse_seal} block of a sealed character. Parsing is strict: exactly the fields
 * below, with the documented types and lengths; anything else (an extra {@code vault_address}, a
 * missing MAC) is a {@link DecryptionFailedException}. Nothing in the header can choose an endpoint.
 *
 * @param provider   provider id that wrapped the data key
 * @param wrappedKey the wrapped data key, with key name and version
 * @param dataKeyId  16 random bytes naming this data key; part of every value's AAD
 * @param commitment 32-byte commitment to the data key
 * @param mac        32-byte HMAC-SHA256 over header and every (pointer, ciphertext) pair
 */
record SealHeader(String provider, WrappedKey wrappedKey, byte[] dataKeyId, byte[] commitment, byte[] mac) {

    static final String FIELD = "gatehouse_seal";
    static final List<String> FIELDS =
            List.of("format", "provider", "key", "key_version", "wrapped_key", "data_key_id", "commitment", "mac");

    void writeTo(ObjectNode document) {
        ObjectNode header = document.putObject(FIELD);
        header.put("format", SealedCharacterFormat.VERSION);
        header.put("provider", provider);
        header.put("key", wrappedKey.keyName());
        header.put("key_version", wrappedKey.keyVersion());
        header.put("wrapped_key", wrappedKey.ciphertext());
        header.put("data_key_id", encode(dataKeyId));
        header.put("commitment", encode(commitment));
        header.put("mac", encode(mac));
    }

    SealHeader withWrappedKey(WrappedKey rewrapped) {
        return new SealHeader(provider, rewrapped, dataKeyId, commitment, mac);
    }

    static SealHeader parse(ObjectNode document) throws DecryptionFailedException {
        JsonNode header = document.get(FIELD);
        if (header == null || !header.isObject() || header.size() != FIELDS.size()) {
            throw new DecryptionFailedException();
        }
        Iterator<String> names = header.fieldNames();
        while (names.hasNext()) {
            if (!FIELDS.contains(names.next())) {
                throw new DecryptionFailedException();
            }
        }
        if (!SealedCharacterFormat.VERSION.equals(text(header, "format")) || !header.get("key_version").canConvertToExactIntegral()
                || !header.get("key_version").canConvertToInt()) {
            throw new DecryptionFailedException();
        }
        String provider = text(header, "provider");
        WrappedKey wrappedKey;
        try {
            wrappedKey = new WrappedKey(provider, text(header, "key"), header.get("key_version").intValue(),
                    text(header, "wrapped_key"));
        } catch (IllegalArgumentException e) {
            throw new DecryptionFailedException();
        }
        return new SealHeader(provider, wrappedKey,
                decode(text(header, "data_key_id"), DataKeySchedule.DATA_KEY_ID_BYTES),
                decode(text(header, "commitment"), DataKeySchedule.COMMITMENT_BYTES),
                decode(text(header, "mac"), HmacSha256.TAG_BYTES));
    }

    static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String text(JsonNode header, String field) throws DecryptionFailedException {
        JsonNode node = header.get(field);
        if (node == null || !node.isTextual()) {
            throw new DecryptionFailedException();
        }
        return node.textValue();
    }

    private static byte[] decode(String base64url, int length) throws DecryptionFailedException {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(base64url);
        } catch (IllegalArgumentException e) {
            throw new DecryptionFailedException();
        }
        if (bytes.length != length || !encode(bytes).equals(base64url)) {
            throw new DecryptionFailedException();
        }
        return bytes;
    }
}
