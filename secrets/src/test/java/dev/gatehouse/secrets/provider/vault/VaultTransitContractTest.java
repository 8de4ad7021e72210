package dev.gatehouse.secrets.provider.vault;

import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.KeyProviderContract;
import dev.gatehouse.secrets.testsupport.TransitDouble;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** The shared contract against the Transit contract double. */
class VaultTransitContractTest extends KeyProviderContract {

    private TransitDouble vault;
    private VaultTransitConfig config;

    @Override
    protected KeyProvider openProvider() throws Exception {
        vault = new TransitDouble("transit");
        vault.createDerivedKey("gatehouse-characters");
        config = new VaultTransitConfig(vault.address(), "transit", "gatehouse-characters", null,
                new VaultAuth.Token(SecretValue.ofUtf8(vault.issueToken(0, false))), null,
                Duration.ofSeconds(2), Duration.ofSeconds(5), RetryPolicy.DEFAULT);
        return VaultTransitKeyProvider.open(config);
    }

    @Override
    protected KeyProvider rotateMasterKey() throws Exception {
        vault.rotateKey("gatehouse-characters");
        return VaultTransitKeyProvider.open(config);
    }

    @Override
    protected long roundTrips() {
        return vault.requests().size();
    }

    @AfterEach
    void stopDouble() {
        vault.close();
    }
}
