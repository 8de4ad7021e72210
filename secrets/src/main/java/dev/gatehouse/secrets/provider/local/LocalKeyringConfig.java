package dev.gatehouse.secrets.provider.local;

import dev.gatehouse.secrets.SecretsConfigException;
import dev.gatehouse.secrets.provider.KeyProviderConfig;
import dev.gatehouse.secrets.provider.Profile;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of the development keyring.
 *
 * @param keyringFile JSON keyring file (see {@link Keyring}); must be 0600
 * @param keyName     master key inside the keyring
 */
public record LocalKeyringConfig(Path keyringFile, String keyName) implements KeyProviderConfig {

    /** Default keyring location, relative to the working directory. */
    public static final Path DEFAULT_KEYRING_FILE = Path.of(".gatehouse", "keyring.json");

    public LocalKeyringConfig {
        Objects.requireNonNull(keyringFile, "keyringFile");
    }

    @Override
    public String providerId() {
        return LocalKeyProvider.ID;
    }

    @Override
    public void validate(Profile profile, Map<String, String> environment) throws SecretsConfigException {
        if (profile == Profile.PRODUCTION) {
            throw new SecretsConfigException(
                    "the local key provider is for development only; the production profile refuses it");
        }
        KeyProviderConfig.requireKeyName(keyName);
    }
}
