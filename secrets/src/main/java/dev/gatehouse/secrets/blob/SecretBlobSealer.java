package dev.gatehouse.secrets.blob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.KeyProviderException;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.crypto.AesGcm;
import dev.gatehouse.secrets.crypto.DataKeySchedule;
import dev.gatehouse.secrets.crypto.LengthPrefixed;
import dev.gatehouse.secrets.provider.KeyContext;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.KeyProvider.UnwrapRequest;
import dev.gatehouse.secrets.provider.KeyProvider.WrapRequest;
import dev.gatehouse.secrets.provider.WrappedKey;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * Seals one secret blob (a private JWK, a bootstrap credential) under the configured key provider,
 * bound to a name such as {@code gateway/signing-key/<kid>}.
 *
 * <p>Output is a compact JSON object, safe to store in a database column:
 * <pre>{@code
 * {"format":"ghs-blob:v1","name":"...","provider":"vault-transit","key":"...","key_version":1,
 *  "wrapped_key":"vault:v1:...","data_key_id":"<b64url 16>","commitment":"<b64url 32>",
 *  "ciphertext":"ghs:v1:<b64url(nonce || ciphertext || tag)>"}
 * }</pre>
 * The data key is wrapped with context {@code blob:<name>}; the value is AES-256-GCM under
 * {@code HKDF(data key, data key id, "gatehouse ghs-blob:v1 value key")} with AAD
 * {@code LP("gatehouse sealed blob v1") || LP("ghs-blob:v1") || LP(name) || LP(provider) || LP(key) || LP(data key id)}.
 *
 * <h3>Guarantees</h3>
 * A blob opens only under the name it was sealed with and the configured provider and key; any
 * failure (other name, tampered field, unknown field, wrong provider) is the same
 * {@link DecryptionFailedException}. One provider call per seal and per open.
 */
public final class SecretBlobSealer {

    /** Value of the {@code format} field. */
    public static final String FORMAT = "ghs-blob:v1";

    private static final String KEY_LABEL = "gatehouse " + FORMAT;
    private static final String VALUE_PREFIX = "ghs:v1:";
    private static final List<String> FIELDS = List.of("format", "name", "provider", "key", "key_version",
            "wrapped_key", "data_key_id", "commitment", "ciphertext");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyProvider provider;

    public SecretBlobSealer(KeyProvider provider) {
        this.provider = provider;
    }

    /**
     * Seals {@code secret} under {@code name}.
     *
     * @throws KeyProviderException if the data key could not be wrapped
     */
    public String seal(String name, SecretValue secret) throws KeyProviderException {
        byte[] dataKeyId = AesGcm.randomBytes(DataKeySchedule.DATA_KEY_ID_BYTES);
        byte[] plaintext = secret.copyBytes();
        try (SecretValue dataKey = SecretValue.adopt(AesGcm.randomBytes(AesGcm.KEY_BYTES));
             DataKeySchedule keys = DataKeySchedule.derive(KEY_LABEL, dataKey, dataKeyId)) {
            byte[] sealed = AesGcm.seal(keys.valueKey(), plaintext, aad(name, provider.keyName(), dataKeyId));
            WrappedKey wrapped = provider.wrap(List.of(new WrapRequest(KeyContext.forBlob(name), dataKey))).get(0);
            ObjectNode blob = JSON.createObjectNode()
                    .put("format", FORMAT)
                    .put("name", name)
                    .put("provider", provider.id())
                    .put("key", wrapped.keyName())
                    .put("key_version", wrapped.keyVersion())
                    .put("wrapped_key", wrapped.ciphertext())
                    .put("data_key_id", encode(dataKeyId))
                    .put("commitment", encode(keys.commitment()))
                    .put("ciphertext", VALUE_PREFIX + encode(sealed));
            return blob.toString();
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * Opens a blob sealed under {@code name}. The caller owns (and must close) the result.
     *
     * @throws DecryptionFailedException for any mismatch or tampering
     * @throws KeyProviderException      if the provider could not be reached
     */
    public SecretValue open(String name, String sealedBlob) throws DecryptionFailedException, KeyProviderException {
        JsonNode blob = parse(sealedBlob);
        if (!FORMAT.equals(blob.get("format").asText()) || !name.equals(blob.get("name").asText())
                || !provider.id().equals(blob.get("provider").asText())
                || !provider.keyName().equals(blob.get("key").asText())) {
            throw new DecryptionFailedException();
        }
        byte[] dataKeyId = decode(blob.get("data_key_id").asText());
        byte[] commitment = decode(blob.get("commitment").asText());
        String ciphertext = blob.get("ciphertext").asText();
        if (!ciphertext.startsWith(VALUE_PREFIX) || dataKeyId.length != DataKeySchedule.DATA_KEY_ID_BYTES) {
            throw new DecryptionFailedException();
        }
        WrappedKey wrapped;
        try {
            wrapped = new WrappedKey(provider.id(), provider.keyName(), blob.get("key_version").asInt(),
                    blob.get("wrapped_key").asText());
        } catch (IllegalArgumentException e) {
            throw new DecryptionFailedException();
        }
        List<SecretValue> unwrapped = provider.unwrap(List.of(new UnwrapRequest(KeyContext.forBlob(name), wrapped)));
        try (SecretValue dataKey = unwrapped.get(0);
             DataKeySchedule keys = DataKeySchedule.derive(KEY_LABEL, dataKey, dataKeyId)) {
            if (!keys.commitsTo(commitment)) {
                throw new DecryptionFailedException();
            }
            byte[] sealed = decode(ciphertext.substring(VALUE_PREFIX.length()));
            return SecretValue.adopt(AesGcm.open(keys.valueKey(), sealed, aad(name, provider.keyName(), dataKeyId)));
        }
    }

    private byte[] aad(String name, String keyName, byte[] dataKeyId) {
        return LengthPrefixed.domain("gatehouse sealed blob v1").add(FORMAT).add(name).add(provider.id()).add(keyName)
                .add(dataKeyId).toBytes();
    }

    private static JsonNode parse(String sealedBlob) throws DecryptionFailedException {
        JsonNode blob;
        try {
            blob = JSON.readTree(sealedBlob);
        } catch (IOException e) {
            throw new DecryptionFailedException();
        }
        if (blob == null || !blob.isObject() || blob.size() != FIELDS.size()) {
            throw new DecryptionFailedException();
        }
        for (Iterator<String> names = blob.fieldNames(); names.hasNext(); ) {
            if (!FIELDS.contains(names.next())) {
                throw new DecryptionFailedException();
            }
        }
        return blob;
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] decode(String base64url) throws DecryptionFailedException {
        try {
            return Base64.getUrlDecoder().decode(base64url);
        } catch (IllegalArgumentException e) {
            throw new DecryptionFailedException();
        }
    }
}
