package dev.gatehouse.secrets.cli;

import dev.gatehouse.secrets.SecretsConfigException;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.KeyProviderConfig;
import dev.gatehouse.secrets.provider.KeyProviders;
import dev.gatehouse.secrets.provider.Profile;
import dev.gatehouse.secrets.provider.local.LocalKeyProvider;
import dev.gatehouse.secrets.provider.local.LocalKeyringConfig;
import dev.gatehouse.secrets.provider.vault.VaultTransitConfig;
import dev.gatehouse.secrets.provider.vault.VaultTransitKeyProvider;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** Provider and profile flags shared by the document subcommands. */
final class ProviderOptions {

    @Option(names = "--provider", paramLabel = "local|vault-transit", defaultValue = LocalKeyProvider.ID,
            description = "Key provider (default: ${DEFAULT-VALUE}).")
    String provider;

    @Option(names = "--profile", paramLabel = "development|production", defaultValue = "development",
            description = "Deployment profile (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--key", paramLabel = "NAME", defaultValue = KeyProviderConfig.DEFAULT_KEY_NAME,
            description = "Master key name: Transit key or keyring key (default: ${DEFAULT-VALUE}).")
    String keyName;

    @Option(names = "--keyring", paramLabel = "FILE", defaultValue = ".gatehouse/keyring.json",
            description = "Keyring file of the local provider (default: ${DEFAULT-VALUE}).")
    Path keyring;

    @Option(names = "--vault-mount", paramLabel = "PATH", defaultValue = VaultTransitConfig.DEFAULT_MOUNT,
            description = "Transit mount path (default: ${DEFAULT-VALUE}).")
    String vaultMount;

    /** Builds the configuration from flags and environment and opens the provider. */
    KeyProvider open(Map<String, String> environment) throws SecretsConfigException {
        return KeyProviders.open(profile(), config(environment), environment);
    }

    private Profile profile() throws SecretsConfigException {
        switch (profile.toLowerCase(Locale.ROOT)) {
            case "development":
                return Profile.DEVELOPMENT;
            case "production":
                return Profile.PRODUCTION;
            default:
                throw new SecretsConfigException("--profile must be development or production");
        }
    }

    private KeyProviderConfig config(Map<String, String> environment) throws SecretsConfigException {
        switch (provider) {
            case LocalKeyProvider.ID:
                return new LocalKeyringConfig(keyring, keyName);
            case VaultTransitKeyProvider.ID:
                return VaultTransitConfig.fromEnvironment(environment, vaultMount, keyName);
            default:
                throw new SecretsConfigException("--provider must be local or vault-transit");
        }
    }
}
