package dev.gatehouse.secrets.provider.local;

import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.KeyProviderContract;
import dev.gatehouse.secrets.testsupport.TestKeyrings;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

class LocalKeyProviderContractTest extends KeyProviderContract {

    @TempDir
    Path directory;

    private LocalKeyringConfig config;

    @Override
    protected KeyProvider openProvider() {
        config = TestKeyrings.create(directory);
        return TestKeyrings.open(config);
    }

    @Override
    protected KeyProvider rotateMasterKey() throws Exception {
        Keyring.addVersion(config.keyringFile(), config.keyName(), Clock.systemUTC());
        return TestKeyrings.open(config);
    }

    @Override
    protected long roundTrips() {
        return 0;
    }
}
