package dev.gatehouse.secrets.provider;

import dev.gatehouse.secrets.SecretsConfigException;
import dev.gatehouse.secrets.provider.local.LocalKeyProvider;
import dev.gatehouse.secrets.provider.local.LocalKeyringConfig;
import dev.gatehouse.secrets.provider.vault.VaultTransitConfig;
import dev.gatehouse.secrets.provider.vault.VaultTransitKeyProvider;
import java.util.Map;

/**
 * The one place a {@link KeyProvider} is created from deployment configuration, so the profile
 * rules cannot be bypassed: under {@link Profile#PRODUCTION} the {@code local} provider is refused,
 * Vault must be reached over verified TLS, and no environment variable can turn verification off.
 */
public final class KeyProviders {

    private KeyProviders() {
    }

    /** Opens a provider, checking the configuration against the process environment. */
    public static KeyProvider open(Profile profile, KeyProviderConfig config) throws SecretsConfigException {
        return open(profile, config, System.getenv());
    }

    /**
     * Opens a provider, checking the configuration against the given environment.
     *
     * @throws SecretsConfigException if the profile refuses the configuration, it is invalid, or it
     *                                is not one of the two known provider configurations
     */
    public static KeyProvider open(Profile profile, KeyProviderConfig config, Map<String, String> environment)
            throws SecretsConfigException {
        config.validate(profile, environment);
        if (config instanceof LocalKeyringConfig local) {
            return LocalKeyProvider.open(local);
        }
        if (config instanceof VaultTransitConfig vault) {
            return VaultTransitKeyProvider.open(vault);
        }
        throw new SecretsConfigException("unknown key provider configuration");
    }
}
