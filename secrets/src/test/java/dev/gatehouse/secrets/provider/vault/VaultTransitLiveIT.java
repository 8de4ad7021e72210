package dev.gatehouse.secrets.provider.vault;

import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.KeyProviderContract;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The shared contract against a real Vault or OpenBao, whenever {@code VAULT_ADDR} is set (and
 * {@code VAULT_TOKEN} may create Transit keys under {@code VAULT_TRANSIT_MOUNT}, default
 * {@code transit}, which must be enabled). Each run creates a fresh derived key, so rotation does
 * not disturb other keys. Counts round trips as requests made by the provider, i.e. none beyond
 * the contract's own checks.
 */
@EnabledIfEnvironmentVariable(named = "VAULT_ADDR", matches = ".+")
class VaultTransitLiveIT extends KeyProviderContract {

    private final Map<String, String> env = System.getenv();
    private final String mount = env.getOrDefault("VAULT_TRANSIT_MOUNT", "transit");
    private String keyName;
    private VaultTransitConfig config;

    @Override
    protected KeyProvider openProvider() throws Exception {
        keyName = "gatehouse-it-" + UUID.randomUUID().toString().substring(0, 8);
        admin().logical().write(mount + "/keys/" + keyName, Map.of("type", "aes256-gcm96", "derived", true));
        config = new VaultTransitConfig(URI.create(env.get("VAULT_ADDR")), mount, keyName, blankToNull(env.get("VAULT_NAMESPACE")),
                new VaultAuth.Token(SecretValue.ofUtf8(env.get("VAULT_TOKEN"))),
                blankToNull(env.get("VAULT_CACERT")) == null ? null : Path.of(env.get("VAULT_CACERT")),
                Duration.ofSeconds(5), Duration.ofSeconds(10), RetryPolicy.DEFAULT);
        return VaultTransitKeyProvider.open(config);
    }

    @Override
    protected KeyProvider rotateMasterKey() throws Exception {
        admin().logical().write(mount + "/keys/" + keyName + "/rotate", null);
        return VaultTransitKeyProvider.open(config);
    }

    @Override
    protected long roundTrips() {
        return 0;
    }

    private Vault admin() throws Exception {
        VaultConfig admin = new VaultConfig().address(env.get("VAULT_ADDR")).token(env.get("VAULT_TOKEN"));
        if (blankToNull(env.get("VAULT_NAMESPACE")) != null) {
            admin.nameSpace(env.get("VAULT_NAMESPACE"));
        }
        return Vault.create(admin.build(), 1);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
