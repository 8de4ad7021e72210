package dev.gatehouse.secrets.provider;

import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.KeyProviderException;
import dev.gatehouse.secrets.SecretValue;
import java.util.List;
import java.util.Optional;

/**
 * Wraps data keys under a master key that never leaves the provider.
 *
 * <h3>Contract (checked by the shared contract test for every implementation)</h3>
 * <ul>
 *   <li>Every list operation is one provider round trip (one Transit batch call), whatever the
 *       list size up to {@link #MAX_BATCH}; results come back in request order.</li>
 *   <li>A wrapped key opens only with the same {@link KeyContext}; a wrong context, a tampered
 *       ciphertext, another provider's or another key name's wrapped key fails with
 *       {@link DecryptionFailedException}, never with a different key.</li>
 *   <li>{@link #rewrap} moves a wrapped key to the newest master key version without exposing the
 *       data key to the caller; the old wrapped key keeps opening until the provider retires it.</li>
 *   <li>Transport, availability and permission problems are {@link KeyProviderException}; they are
 *       never reported as, or confused with, a decryption failure.</li>
 *   <li>The provider's endpoint and credentials come from its configuration only; nothing in a
 *       request can redirect it.</li>
 * </ul>
 * Implementations are thread safe and blocking; callers on an event loop must move calls to a
 * worker thread.
 */
public interface KeyProvider extends AutoCloseable {

    /** Largest list accepted by one call. */
    int MAX_BATCH = 256;

    /** Provider id written into sealed headers, e.g. {@code vault-transit} or {@code local}. */
    String id();

    /** Name of the master key this provider wraps under. */
    String keyName();

    /**
     * Wraps each data key under the newest master key version, bound to its context.
     *
     * @throws KeyProviderException if the provider cannot serve the request
     */
    List<WrappedKey> wrap(List<WrapRequest> requests) throws KeyProviderException;

    /**
     * Unwraps every key or none.
     *
     * @throws DecryptionFailedException if any wrapped key does not open under its context
     * @throws KeyProviderException if the provider cannot serve the request
     */
    List<SecretValue> unwrap(List<UnwrapRequest> requests) throws DecryptionFailedException, KeyProviderException;

    /**
     * Re-encrypts each wrapped key under the newest master key version. An element is empty when
     * that wrapped key could not be rewrapped (opaque, like a decryption failure); the others still
     * succeed.
     *
     * @throws KeyProviderException if the provider cannot serve the request at all
     */
    List<Optional<WrappedKey>> rewrap(List<UnwrapRequest> requests) throws KeyProviderException;

    /** Releases connections and zeroes any key material held in memory. */
    @Override
    void close();

    /** A data key to wrap under {@code context}. */
    record WrapRequest(KeyContext context, SecretValue dataKey) {
    }

    /** A wrapped key to open (or rewrap) under {@code context}. */
    record UnwrapRequest(KeyContext context, WrappedKey wrappedKey) {
    }
}
