package dev.gatehouse.secrets.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.format.CharacterSealer;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.KeyProviders;
import dev.gatehouse.secrets.provider.Profile;
import dev.gatehouse.secrets.provider.local.LocalKeyringConfig;
import dev.gatehouse.secrets.provider.vault.RetryPolicy;
import dev.gatehouse.secrets.provider.vault.VaultAuth;
import dev.gatehouse.secrets.provider.vault.VaultTransitConfig;
import dev.gatehouse.secrets.testsupport.Characters;
import dev.gatehouse.secrets.testsupport.TestKeyrings;
import dev.gatehouse.secrets.testsupport.TransitDouble;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;

/**
 * Seal/open throughput of a character with 20 secrets on the local provider, and provider calls
 * per document on the Vault Transit contract double. Not a test: run with
 * {@code mvn -Pbench -pl secrets verify}. Times are reported both as wall clock and as CPU time of
 * the benchmark thread, which other processes on a shared machine do not inflate.
 */
public final class SealOpenBenchmark {

    private static final int SECRETS = 20;
    private static final int WARM_UP = 5_000;
    private static final int MEASURED = 5_000;
    private static final double TARGET_MICROS = 1_000;

    private SealOpenBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Files.createTempDirectory("gatehouse-bench");
        LocalKeyringConfig keyring = TestKeyrings.create(directory);
        ObjectNode character = Characters.withSecrets("bench-character", SECRETS);
        try (KeyProvider local = KeyProviders.open(Profile.DEVELOPMENT, keyring, Map.of())) {
            CharacterSealer sealer = new CharacterSealer(local);
            run(sealer, character, WARM_UP);
            Timing seal = time(() -> sealer.seal(character), MEASURED);
            ObjectNode sealed = sealer.seal(character);
            Timing open = time(() -> sealer.open(sealed), MEASURED);
            double total = seal.cpuMicros + open.cpuMicros;
            System.out.println("== gatehouse-secrets benchmark: character with " + SECRETS + " secrets, local provider ==");
            System.out.printf("seal: %8.1f us/doc CPU (%8.1f us wall)  %9.0f docs/s CPU%n", seal.cpuMicros, seal.wallMicros, 1e6 / seal.cpuMicros);
            System.out.printf("open: %8.1f us/doc CPU (%8.1f us wall)  %9.0f docs/s CPU%n", open.cpuMicros, open.wallMicros, 1e6 / open.cpuMicros);
            System.out.printf("seal + open: %.1f us/doc CPU = %.3f of the 1 ms target (%.1fx headroom)%n",
                    total, total / TARGET_MICROS, TARGET_MICROS / total);
        }
        try (TransitDouble vault = new TransitDouble("transit")) {
            vault.createDerivedKey("gatehouse-characters");
            VaultTransitConfig config = new VaultTransitConfig(vault.address(), "transit", "gatehouse-characters", null,
                    new VaultAuth.Token(SecretValue.ofUtf8(vault.issueToken(0, false))), null,
                    Duration.ofSeconds(2), Duration.ofSeconds(5), RetryPolicy.DEFAULT);
            try (KeyProvider provider = KeyProviders.open(Profile.DEVELOPMENT, config, Map.of())) {
                CharacterSealer sealer = new CharacterSealer(provider);
                sealer.open(sealer.seal(character));
                int documents = 50;
                vault.clearRequests();
                ObjectNode[] sealed = new ObjectNode[documents];
                for (int i = 0; i < documents; i++) {
                    sealed[i] = sealer.seal(character);
                }
                long sealCalls = vault.requests().size();
                vault.clearRequests();
                for (ObjectNode document : sealed) {
                    sealer.open(document);
                }
                long openCalls = vault.requests().size();
                System.out.println("== Vault Transit contract double (loopback HTTP) ==");
                System.out.printf("provider calls per document: seal %.2f, open %.2f (%d documents, %d secrets each)%n",
                        (double) sealCalls / documents, (double) openCalls / documents, documents, SECRETS);
            }
        }
        try (var files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @FunctionalInterface
    private interface Operation {
        Object run() throws Exception;
    }

    private record Timing(double cpuMicros, double wallMicros) {
    }

    private static void run(CharacterSealer sealer, ObjectNode character, int iterations) throws Exception {
        for (int i = 0; i < iterations; i++) {
            sealer.open(sealer.seal(character));
        }
    }

    private static Timing time(Operation operation, int iterations) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        Object sink = null;
        for (int i = 0; i < iterations; i++) {
            sink = operation.run();
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        long wall = System.nanoTime() - wallStart;
        if (sink == null) {
            throw new IllegalStateException("no result");
        }
        return new Timing(cpu / 1e3 / iterations, wall / 1e3 / iterations);
    }
}
