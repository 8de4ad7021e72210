package dev.gatehouse.secrets.provider;

import dev.gatehouse.secrets.SecretsConfigException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Deployment configuration of one key provider. Built by the CLI from flags and environment, and
 * by the gateway from its YAML; never read from a document being sealed or opened. The two
 * implementations are {@link dev.gatehouse.secrets.provider.local.LocalKeyringConfig} and
 * {@link dev.gatehouse.secrets.provider.vault.VaultTransitConfig}; {@link KeyProviders} refuses any other.
 */
public interface KeyProviderConfig {

    /** Master key name used when none is configured. */
    String DEFAULT_KEY_NAME = "gatehouse-characters";

    /** Allowed master key names: what Transit accepts in a path segment, nothing that could change the path. */
    Pattern KEY_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$");

    /** Provider id this configuration selects. */
    String providerId();

    /** Master key name. */
    String keyName();

    /**
     * Checks the configuration against the profile and the process environment.
     *
     * @throws SecretsConfigException if the profile refuses this configuration
     */
    void validate(Profile profile, Map<String, String> environment) throws SecretsConfigException;

    /** Shared check for the master key name. */
    static void requireKeyName(String keyName) throws SecretsConfigException {
        if (keyName == null || !KEY_NAME.matcher(keyName).matches()) {
            throw new SecretsConfigException("invalid key name: use letters, digits, '_', '.', '-' (at most 128)");
        }
    }
}
