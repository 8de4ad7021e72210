package dev.gatehouse.secrets;

/**
 * Deployment configuration is missing, invalid or refused by the profile, for example the
 * {@code local} provider under the production profile, TLS verification disabled through the
 * environment in production, or a keyring file readable by other users. Callers should stop
 * rather than retry.
 */
public final class SecretsConfigException extends SecretsException {

    public SecretsConfigException(String message) {
        super(message);
    }
}
