package dev.gatehouse.secrets.provider;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.crypto.AesGcm;
import dev.gatehouse.secrets.provider.KeyProvider.UnwrapRequest;
import dev.gatehouse.secrets.provider.KeyProvider.WrapRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link KeyProvider} must meet. Implementations extend this class and supply
 * a provider, a way to rotate its master key, and a count of round trips to the key service.
 */
public abstract class KeyProviderContract {

    protected KeyProvider provider;

    /** Opens the provider under test. */
    protected abstract KeyProvider openProvider() throws Exception;

    /** Adds a master key version and returns a provider that wraps with it. */
    protected abstract KeyProvider rotateMasterKey() throws Exception;

    /** Round trips made to the key service so far. */
    protected abstract long roundTrips();

    @BeforeEach
    void openProviderUnderTest() throws Exception {
        provider = openProvider();
    }

    @AfterEach
    void closeProviderUnderTest() {
        provider.close();
    }

    private static KeyContext character() {
        return KeyContext.forCharacter(UUID.randomUUID().toString());
    }

    private static SecretValue dataKey() {
        return SecretValue.adopt(AesGcm.randomBytes(32));
    }

    @Test
    void wrappedKeyUnwrapsToTheSameDataKey() throws Exception {
        KeyContext context = character();
        try (SecretValue key = dataKey()) {
            WrappedKey wrapped = provider.wrap(List.of(new WrapRequest(context, key))).get(0);
            assertEquals(provider.id(), wrapped.provider());
            assertEquals(provider.keyName(), wrapped.keyName());
            try (SecretValue unwrapped = provider.unwrap(List.of(new UnwrapRequest(context, wrapped))).get(0)) {
                assertTrue(unwrapped.contentEquals(key));
            }
        }
    }

    @Test
    void wrappingTheSameKeyTwiceGivesDifferentCiphertexts() throws Exception {
        KeyContext context = character();
        try (SecretValue key = dataKey()) {
            List<WrappedKey> wrapped = provider.wrap(List.of(new WrapRequest(context, key), new WrapRequest(context, key)));
            assertNotEquals(wrapped.get(0).ciphertext(), wrapped.get(1).ciphertext());
        }
    }

    @Test
    void unwrapUnderAnotherCharacterFails() throws Exception {
        try (SecretValue key = dataKey()) {
            WrappedKey wrapped = provider.wrap(List.of(new WrapRequest(character(), key))).get(0);
            assertThrows(DecryptionFailedException.class,
                    () -> provider.unwrap(List.of(new UnwrapRequest(character(), wrapped))));
        }
    }

    @Test
    void characterKeyDoesNotOpenAsBlobOfTheSameName() throws Exception {
        try (SecretValue key = dataKey()) {
            WrappedKey wrapped = provider.wrap(List.of(new WrapRequest(KeyContext.forCharacter("same"), key))).get(0);
            assertThrows(DecryptionFailedException.class,
                    () -> provider.unwrap(List.of(new UnwrapRequest(KeyContext.forBlob("same"), wrapped))));
        }
    }

    @Test
    void tamperedWrappedKeyFails() throws Exception {
        KeyContext context = character();
        try (SecretValue key = dataKey()) {
            WrappedKey wrapped = provider.wrap(List.of(new WrapRequest(context, key))).get(0);
            String ciphertext = wrapped.ciphertext();
            int at = ciphertext.length() - 6;
            char flipped = ciphertext.charAt(at) == 'A' ? 'B' : 'A';
            WrappedKey tampered = new WrappedKey(wrapped.provider(), wrapped.keyName(), wrapped.keyVersion(),
                    ciphertext.substring(0, at) + flipped + ciphertext.substring(at + 1));
            assertThrows(DecryptionFailedException.class,
                    () -> provider.unwrap(List.of(new UnwrapRequest(context, tampered))));
        }
    }

    @Test
    void wrappedKeyNamingAnotherKeyOrProviderFails() throws Exception {
        KeyContext context = character();
        try (SecretValue key = dataKey()) {
            WrappedKey wrapped = provider.wrap(List.of(new WrapRequest(context, key))).get(0);
            WrappedKey otherKey = new WrappedKey(wrapped.provider(), "some-other-key", wrapped.keyVersion(), wrapped.ciphertext());
            WrappedKey otherProvider = new WrappedKey("elsewhere", wrapped.keyName(), wrapped.keyVersion(), wrapped.ciphertext());
            assertThrows(DecryptionFailedException.class, () -> provider.unwrap(List.of(new UnwrapRequest(context, otherKey))));
            assertThrows(DecryptionFailedException.class, () -> provider.unwrap(List.of(new UnwrapRequest(context, otherProvider))));
        }
    }

    /** Measured after a first call, which may authenticate. */
    @Test
    void batchOfManyKeysIsOneRoundTripInEachDirectionAndKeepsOrder() throws Exception {
        List<WrapRequest> requests = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            requests.add(new WrapRequest(character(), dataKey()));
        }
        provider.wrap(List.of(new WrapRequest(character(), dataKey())));
        long before = roundTrips();
        List<WrappedKey> wrapped = provider.wrap(requests);
        long afterWrap = roundTrips();
        List<UnwrapRequest> unwrapRequests = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            unwrapRequests.add(new UnwrapRequest(requests.get(i).context(), wrapped.get(i)));
        }
        List<SecretValue> unwrapped = provider.unwrap(unwrapRequests);
        long afterUnwrap = roundTrips();
        for (int i = 0; i < requests.size(); i++) {
            assertTrue(unwrapped.get(i).contentEquals(requests.get(i).dataKey()), "order kept at index " + i);
        }
        assertTrue(afterWrap - before <= 1, "wrap round trips: " + (afterWrap - before));
        assertTrue(afterUnwrap - afterWrap <= 1, "unwrap round trips: " + (afterUnwrap - afterWrap));
    }

    @Test
    void rewrapMovesToTheNewestVersionAndKeepsTheDataKey() throws Exception {
        KeyContext context = character();
        try (SecretValue key = dataKey()) {
            WrappedKey original = provider.wrap(List.of(new WrapRequest(context, key))).get(0);
            provider.close();
            provider = rotateMasterKey();
            Optional<WrappedKey> rewrapped = provider.rewrap(List.of(new UnwrapRequest(context, original))).get(0);
            assertTrue(rewrapped.isPresent());
            assertEquals(original.keyVersion() + 1, rewrapped.get().keyVersion());
            try (SecretValue viaNew = provider.unwrap(List.of(new UnwrapRequest(context, rewrapped.get()))).get(0);
                 SecretValue viaOld = provider.unwrap(List.of(new UnwrapRequest(context, original))).get(0)) {
                assertArrayEquals(key.copyBytes(), viaNew.copyBytes());
                assertTrue(viaOld.contentEquals(key));
            }
        }
    }

    @Test
    void rewrapReportsOnlyTheBadItemAsFailed() throws Exception {
        KeyContext context = character();
        try (SecretValue key = dataKey()) {
            WrappedKey good = provider.wrap(List.of(new WrapRequest(context, key))).get(0);
            List<Optional<WrappedKey>> results = provider.rewrap(List.of(
                    new UnwrapRequest(context, good), new UnwrapRequest(character(), good)));
            assertTrue(results.get(0).isPresent());
            assertTrue(results.get(1).isEmpty());
        }
    }
}
