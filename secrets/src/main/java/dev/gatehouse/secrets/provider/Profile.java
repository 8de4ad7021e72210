package dev.gatehouse.secrets.provider;

/**
 * Deployment profile. {@link #PRODUCTION} refuses the {@code local} provider (and therefore every
 * document sealed by it), plain-HTTP Vault addresses and any environment setting that would
 * disable TLS verification.
 */
public enum Profile {
    DEVELOPMENT,
    PRODUCTION
}
