package dev.gatehouse.secrets.provider.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.KeyProviderException;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SecretsConfigException;
import dev.gatehouse.secrets.crypto.AesGcm;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.WrappedKey;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Wraps data keys with HashiCorp Vault / OpenBao Transit.
 *
 * <p>The Transit key must be created with {@code derived=true} (type {@code aes256-gcm96}); every
 * request sends {@code context = base64(KeyContext)}, so each character gets its own derived key
 * and Vault can {@code rewrap} without AAD (which rewrap does not support, hashicorp/vault#31791).
 * Every operation is one {@code batch_input} call to {@code <mount>/encrypt|decrypt|rewrap/<key>}.
 * A 400 from decrypt is reported as {@link DecryptionFailedException}; see {@link TransitClient}
 * for retries. Recommended Vault policy: {@code update} on {@code <mount>/encrypt/<key>} and
 * {@code <mount>/decrypt/<key>}, {@code update} on {@code <mount>/rewrap/<key>} for the rotation job
 * only, no {@code create} (with {@code disable_upsert=true}), no {@code export}.
 *
 * <p>Residual exposure: the driver reads responses into {@link String}s, so the base64 data key
 * passes through immutable strings before it reaches a {@link SecretValue}.
 */
public final class VaultTransitKeyProvider implements KeyProvider {

    /** Provider id written into sealed headers. */
    public static final String ID = "vault-transit";

    private static final String CIPHERTEXT_PREFIX = "vault:v";

    private final VaultTransitConfig config;
    private final TransitClient client;

    VaultTransitKeyProvider(VaultTransitConfig config, HttpClient httpClient, Clock clock, Sleeper sleeper,
            RandomGenerator random) {
        this.config = config;
        this.client = new TransitClient(new VaultSession(config, httpClient, clock), config.retryPolicy(), sleeper, random);
    }

    /**
     * Creates the provider; no network call happens until the first request.
     *
     * @throws SecretsConfigException if the CA bundle cannot be loaded
     */
    public static VaultTransitKeyProvider open(VaultTransitConfig config) throws SecretsConfigException {
        return new VaultTransitKeyProvider(config, VaultTls.httpClient(config), Clock.systemUTC(), Sleeper.REAL,
                new SecureRandom());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String keyName() {
        return config.keyName();
    }

    @Override
    public List<WrappedKey> wrap(List<WrapRequest> requests) throws KeyProviderException {
        requireBatchSize(requests.size());
        ArrayNode batch = JsonNodeFactory.instance.arrayNode();
        for (WrapRequest request : requests) {
            byte[] dataKey = request.dataKey().copyBytes();
            try {
                batch.addObject().put("plaintext", Base64.getEncoder().encodeToString(dataKey))
                        .put("context", Base64.getEncoder().encodeToString(request.context().bytes()));
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
        }
        TransitClient.Reply reply = client.post("encrypt", path("encrypt"), batch);
        JsonNode results = results(reply, requests.size());
        if (reply.status() != 200 || results == null) {
            throw new KeyProviderException("vault-transit encrypt rejected (HTTP " + reply.status() + ")");
        }
        List<WrappedKey> wrapped = new ArrayList<>(requests.size());
        for (JsonNode result : results) {
            WrappedKey key = wrappedKey(result);
            if (key == null) {
                throw new KeyProviderException("vault-transit encrypt returned an unusable ciphertext");
            }
            wrapped.add(key);
        }
        return wrapped;
    }

    @Override
    public List<SecretValue> unwrap(List<UnwrapRequest> requests) throws DecryptionFailedException, KeyProviderException {
        requireBatchSize(requests.size());
        if (!requests.stream().allMatch(this::acceptable)) {
            throw new DecryptionFailedException();
        }
        TransitClient.Reply reply = client.post("decrypt", path("decrypt"), ciphertextBatch(requests));
        JsonNode results = results(reply, requests.size());
        if (reply.status() != 200 || results == null) {
            throw new DecryptionFailedException();
        }
        List<SecretValue> keys = new ArrayList<>(requests.size());
        for (JsonNode result : results) {
            byte[] dataKey = decodeDataKey(result);
            if (dataKey == null) {
                keys.forEach(SecretValue::close);
                throw new DecryptionFailedException();
            }
            keys.add(SecretValue.adopt(dataKey));
        }
        return keys;
    }

    @Override
    public List<Optional<WrappedKey>> rewrap(List<UnwrapRequest> requests) throws KeyProviderException {
        requireBatchSize(requests.size());
        List<UnwrapRequest> sendable = requests.stream().filter(this::acceptable).toList();
        JsonNode results = null;
        if (!sendable.isEmpty()) {
            results = results(client.post("rewrap", path("rewrap"), ciphertextBatch(sendable)), sendable.size());
        }
        List<Optional<WrappedKey>> rewrapped = new ArrayList<>(requests.size());
        int next = 0;
        for (UnwrapRequest request : requests) {
            if (!acceptable(request)) {
                rewrapped.add(Optional.empty());
                continue;
            }
            JsonNode result = results == null ? null : results.get(next);
            next++;
            rewrapped.add(Optional.ofNullable(result == null ? null : wrappedKey(result)));
        }
        return rewrapped;
    }

    @Override
    public void close() {
        // The shared HttpClient has no close() on JDK 17; its connections expire with it.
    }

    private static ArrayNode ciphertextBatch(List<UnwrapRequest> requests) {
        ArrayNode batch = JsonNodeFactory.instance.arrayNode();
        for (UnwrapRequest request : requests) {
            batch.addObject().put("ciphertext", request.wrappedKey().ciphertext())
                    .put("context", Base64.getEncoder().encodeToString(request.context().bytes()));
        }
        return batch;
    }

    private WrappedKey wrappedKey(JsonNode result) {
        JsonNode ciphertext = result.get("ciphertext");
        if (result.hasNonNull("error") || ciphertext == null || !ciphertext.isTextual()) {
            return null;
        }
        int version = WrappedKey.versionOf(ciphertext.textValue());
        if (version < 1 || !ciphertext.textValue().startsWith(CIPHERTEXT_PREFIX)) {
            return null;
        }
        return new WrappedKey(ID, config.keyName(), version, ciphertext.textValue());
    }

    private static byte[] decodeDataKey(JsonNode result) {
        JsonNode plaintext = result.get("plaintext");
        if (result.hasNonNull("error") || plaintext == null || !plaintext.isTextual()) {
            return null;
        }
        try {
            byte[] key = Base64.getDecoder().decode(plaintext.textValue());
            if (key.length == AesGcm.KEY_BYTES) {
                return key;
            }
            Arrays.fill(key, (byte) 0);
            return null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether a wrapped key was made by this provider and key, so it may be sent to Vault at all. */
    private boolean acceptable(UnwrapRequest request) {
        WrappedKey key = request.wrappedKey();
        return ID.equals(key.provider()) && config.keyName().equals(key.keyName())
                && key.ciphertext().startsWith(CIPHERTEXT_PREFIX + key.keyVersion() + ":");
    }

    /** {@code data.batch_results} when it has exactly {@code expected} entries, else {@code null}. */
    private static JsonNode results(TransitClient.Reply reply, int expected) {
        JsonNode results = reply.body().path("data").path("batch_results");
        return results.isArray() && results.size() == expected ? results : null;
    }

    private String path(String operation) {
        return config.mount() + "/" + operation + "/" + config.keyName();
    }

    private static void requireBatchSize(int size) {
        if (size < 1 || size > MAX_BATCH) {
            throw new IllegalArgumentException("batch size must be between 1 and " + MAX_BATCH);
        }
    }
}
