package dev.gatehouse.secrets;

/**
 * The key provider could not serve a request for a reason unrelated to the ciphertext: Vault
 * unreachable, timed out, sealed, rate limited after every retry, permission denied, or the calling
 * thread was interrupted.
 *
 * <p>The message names the provider and, at most, an HTTP status; it never carries a response
 * body, a token or key material.
 */
public final class KeyProviderException extends SecretsException {

    public KeyProviderException(String message) {
        super(message);
    }
}
