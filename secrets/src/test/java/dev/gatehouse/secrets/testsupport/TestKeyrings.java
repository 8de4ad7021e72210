package dev.gatehouse.secrets.testsupport;

import dev.gatehouse.secrets.SecretsConfigException;
import dev.gatehouse.secrets.provider.KeyProviderConfig;
import dev.gatehouse.secrets.provider.local.Keyring;
import dev.gatehouse.secrets.provider.local.LocalKeyProvider;
import dev.gatehouse.secrets.provider.local.LocalKeyringConfig;
import java.nio.file.Path;
import java.time.Clock;

/** Creates development keyrings in a test directory. */
public final class TestKeyrings {

    private TestKeyrings() {
    }

    public static LocalKeyringConfig create(Path directory) {
        LocalKeyringConfig config = new LocalKeyringConfig(directory.resolve("keyring.json"), KeyProviderConfig.DEFAULT_KEY_NAME);
        try {
            Keyring.create(config.keyringFile(), config.keyName(), Clock.systemUTC());
        } catch (SecretsConfigException e) {
            throw new IllegalStateException(e);
        }
        return config;
    }

    public static LocalKeyProvider open(LocalKeyringConfig config) {
        try {
            return LocalKeyProvider.open(config);
        } catch (SecretsConfigException e) {
            throw new IllegalStateException(e);
        }
    }
}
