package dev.gatehouse.secrets;

/**
 * Root of every checked failure of the secrets module.
 *
 * <p>Messages are fixed, operator-facing texts: no subclass ever carries a secret, a token, a
 * ciphertext or a Vault response body in its message or cause.
 */
public abstract sealed class SecretsException extends Exception
        permits DecryptionFailedException, KeyProviderException, SecretsConfigException, InvalidDocumentException {

    protected SecretsException(String message) {
        super(message);
    }

    /** For failures whose stack trace would reveal which check failed. */
    protected SecretsException(String message, boolean writableStackTrace) {
        super(message, null, false, writableStackTrace);
    }
}
