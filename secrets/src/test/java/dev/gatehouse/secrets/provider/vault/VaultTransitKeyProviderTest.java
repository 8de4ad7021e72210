package dev.gatehouse.secrets.provider.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.KeyProviderException;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.crypto.AesGcm;
import dev.gatehouse.secrets.format.CharacterSealer;
import dev.gatehouse.secrets.provider.KeyContext;
import dev.gatehouse.secrets.provider.KeyProvider.UnwrapRequest;
import dev.gatehouse.secrets.provider.KeyProvider.WrapRequest;
import dev.gatehouse.secrets.provider.WrappedKey;
import dev.gatehouse.secrets.testsupport.Characters;
import dev.gatehouse.secrets.testsupport.TransitDouble;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VaultTransitKeyProviderTest {

    private static final String KEY = "gatehouse-characters";
    private static final RetryPolicy POLICY = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1));

    private TransitDouble vault;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final Sleeper recordingSleeper = sleeps::add;
    private MutableClock clock;

    @BeforeEach
    void startDouble() throws Exception {
        vault = new TransitDouble("transit");
        vault.createDerivedKey(KEY);
        clock = new MutableClock();
    }

    @AfterEach
    void stopDouble() {
        vault.close();
    }

    private VaultTransitConfig config(VaultAuth auth, String namespace) {
        return new VaultTransitConfig(vault.address(), "transit", KEY, namespace, auth, null,
                Duration.ofSeconds(2), Duration.ofSeconds(5), POLICY);
    }

    private VaultTransitKeyProvider provider(VaultAuth auth) throws Exception {
        return provider(config(auth, null), recordingSleeper);
    }

    private VaultTransitKeyProvider provider(VaultTransitConfig config, Sleeper sleeper) throws Exception {
        return new VaultTransitKeyProvider(config, VaultTls.httpClient(config), clock, sleeper, new Random(7));
    }

    private VaultAuth token() {
        return new VaultAuth.Token(SecretValue.ofUtf8(vault.issueToken(0, false)));
    }

    private static WrapRequest wrapRequest(String id) {
        return new WrapRequest(KeyContext.forCharacter(id), SecretValue.adopt(AesGcm.randomBytes(32)));
    }

    @Test
    void sealAndOpenOfACharacterWithTwentySecretsAreOneTransitCallEach() throws Exception {
        try (VaultTransitKeyProvider provider = provider(token())) {
            CharacterSealer sealer = new CharacterSealer(provider);
            ObjectNode character = Characters.withSecrets("c-1", 20);
            sealer.open(sealer.seal(Characters.withSecrets("warm-up", 1)));
            vault.clearRequests();
            ObjectNode sealed = sealer.seal(character);
            assertEquals(1, vault.requests().size());
            assertEquals("/v1/transit/encrypt/" + KEY, vault.requests().get(0).path());
            vault.clearRequests();
            assertEquals(character, sealer.open(sealed));
            assertEquals(1, vault.requests().size());
            assertEquals("/v1/transit/decrypt/" + KEY, vault.requests().get(0).path());
        }
    }

    @Test
    void transitPathIsNotRewrittenForKvV2() throws Exception {
        try (VaultTransitKeyProvider provider = provider(token())) {
            provider.wrap(List.of(wrapRequest("c")));
        }
        assertEquals(0, vault.count("/transit/data/"));
        assertTrue(vault.requests().stream().noneMatch(r -> r.body().startsWith("{\"data\"")));
    }

    @Test
    void everyItemCarriesTheCharacterContext() throws Exception {
        try (VaultTransitKeyProvider provider = provider(token())) {
            provider.wrap(List.of(wrapRequest("c-ctx")));
        }
        String body = vault.requests().get(vault.requests().size() - 1).body();
        String context = Base64.getEncoder().encodeToString("character:c-ctx".getBytes(StandardCharsets.UTF_8));
        assertTrue(body.contains("\"context\":\"" + context + "\""));
    }

    @Test
    void badRequestIsTriedOnce() throws Exception {
        try (VaultTransitKeyProvider provider = provider(token())) {
            provider.wrap(List.of(wrapRequest("warm-up")));
            vault.clearRequests();
            vault.failNext(1, 400);
            assertThrows(KeyProviderException.class, () -> provider.wrap(List.of(wrapRequest("c"))));
        }
        assertEquals(1, vault.count("/encrypt/"));
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void badRequestOnDecryptIsADecryptionFailureTriedOnce() throws Exception {
        try (VaultTransitKeyProvider provider = provider(token())) {
            WrappedKey wrapped = provider.wrap(List.of(wrapRequest("c"))).get(0);
            vault.failNext(1, 400);
            assertThrows(DecryptionFailedException.class,
                    () -> provider.unwrap(List.of(new UnwrapRequest(KeyContext.forCharacter("c"), wrapped))));
        }
        assertEquals(1, vault.count("/decrypt/"));
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void permissionDeniedWithATokenIsNotRetried() throws Exception {
        try (VaultTransitKeyProvider provider = provider(token())) {
            provider.wrap(List.of(wrapRequest("warm-up")));
            vault.revokeAllTokens();
            KeyProviderException failure = assertThrows(KeyProviderException.class, () -> provider.wrap(List.of(wrapRequest("c"))));
            assertTrue(failure.getMessage().contains("HTTP 403"));
        }
        assertEquals(2, vault.count("/encrypt/"));
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void serviceUnavailableIsRetriedWithGrowingJitteredBackoffUntilAttemptsRunOut() throws Exception {
        try (VaultTransitKeyProvider provider = provider(token())) {
            provider.wrap(List.of(wrapRequest("warm-up")));
            vault.clearRequests();
            vault.failNext(10, 503);
            KeyProviderException failure = assertThrows(KeyProviderException.class, () -> provider.wrap(List.of(wrapRequest("c"))));
            assertEquals("vault-transit encrypt failed after 4 attempts (HTTP 503)", failure.getMessage());
        }
        assertEquals(4, vault.count("/encrypt/"));
        assertEquals(3, sleeps.size());
        long[][] bounds = {{50, 100}, {100, 200}, {200, 400}};
        for (int i = 0; i < 3; i++) {
            long millis = sleeps.get(i).toMillis();
            assertTrue(millis >= bounds[i][0] && millis <= bounds[i][1], "retry " + (i + 1) + " waited " + millis + " ms");
        }
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {412, 429, 500, 502, 503})
    void retryableStatusThenSuccessSucceeds(int status) throws Exception {
        try (VaultTransitKeyProvider provider = provider(token())) {
            provider.wrap(List.of(wrapRequest("warm-up")));
            vault.clearRequests();
            vault.failNext(2, status);
            WrappedKey wrapped = provider.wrap(List.of(wrapRequest("c"))).get(0);
            assertTrue(wrapped.ciphertext().startsWith("vault:v1:"));
        }
        assertEquals(3, vault.count("/encrypt/"));
        assertEquals(2, sleeps.size());
    }

    @Test
    void connectionRefusedIsRetriedThenReported() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        VaultTransitConfig unreachable = new VaultTransitConfig(URI.create("http://127.0.0.1:" + closedPort), "transit", KEY,
                null, token(), null, Duration.ofSeconds(1), Duration.ofSeconds(2), POLICY);
        try (VaultTransitKeyProvider provider = provider(unreachable, recordingSleeper)) {
            KeyProviderException failure = assertThrows(KeyProviderException.class, () -> provider.wrap(List.of(wrapRequest("c"))));
            assertEquals("vault-transit encrypt failed after 4 attempts (connection error)", failure.getMessage());
        }
        assertEquals(3, sleeps.size());
    }

    @Test
    void interruptDuringBackoffStopsTheLoopAndKeepsTheFlag() throws Exception {
        RetryPolicy slow = new RetryPolicy(10, Duration.ofSeconds(20), Duration.ofSeconds(20));
        VaultTransitConfig config = new VaultTransitConfig(vault.address(), "transit", KEY, null, token(), null,
                Duration.ofSeconds(2), Duration.ofSeconds(5), slow);
        vault.failNext(100, 503);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        try (VaultTransitKeyProvider provider = provider(config, Sleeper.REAL)) {
            Thread caller = new Thread(() -> {
                try {
                    provider.wrap(List.of(wrapRequest("c")));
                } catch (Throwable t) {
                    thrown.set(t);
                }
                flagAfter.set(Thread.currentThread().isInterrupted());
            });
            caller.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (vault.count("/encrypt/") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(50);
            long interruptedAt = System.nanoTime();
            caller.interrupt();
            caller.join(Duration.ofSeconds(5).toMillis());
            assertFalse(caller.isAlive());
            assertTrue(System.nanoTime() - interruptedAt < Duration.ofSeconds(2).toNanos(), "stopped promptly");
        }
        assertTrue(thrown.get() instanceof KeyProviderException);
        assertEquals("vault-transit encrypt interrupted", thrown.get().getMessage());
        assertTrue(flagAfter.get());
        assertEquals(1, vault.count("/encrypt/"));
    }

    @Test
    void unknownKeyIsAnErrorNotANewKey() throws Exception {
        VaultTransitConfig config = new VaultTransitConfig(vault.address(), "transit", "typo-key", null, token(), null,
                Duration.ofSeconds(2), Duration.ofSeconds(5), POLICY);
        try (VaultTransitKeyProvider provider = provider(config, recordingSleeper)) {
            assertThrows(KeyProviderException.class, () -> provider.wrap(List.of(wrapRequest("c"))));
        }
        assertEquals(1, vault.count("/encrypt/typo-key"));
    }

    @Test
    void appRoleLogsInOnFirstUseAndAgainAfterA403() throws Exception {
        vault.addAppRole("role-1", "secret-1", 3600);
        VaultAuth appRole = new VaultAuth.AppRole("approle", "role-1", SecretValue.ofUtf8("secret-1"));
        try (VaultTransitKeyProvider provider = provider(appRole)) {
            provider.wrap(List.of(wrapRequest("c")));
            assertEquals(1, vault.count("/auth/approle/login"));
            vault.revokeAllTokens();
            provider.wrap(List.of(wrapRequest("c")));
            assertEquals(2, vault.count("/auth/approle/login"));
        }
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void wrongAppRoleSecretFailsWithoutRetry() throws Exception {
        vault.addAppRole("role-1", "secret-1", 3600);
        VaultAuth appRole = new VaultAuth.AppRole("approle", "role-1", SecretValue.ofUtf8("wrong"));
        try (VaultTransitKeyProvider provider = provider(appRole)) {
            assertThrows(KeyProviderException.class, () -> provider.wrap(List.of(wrapRequest("c"))));
        }
        assertEquals(1, vault.count("/auth/approle/login"));
        assertEquals(0, vault.count("/encrypt/"));
    }

    @Test
    void renewableTokenIsRenewedAfterHalfItsTtl() throws Exception {
        VaultAuth token = new VaultAuth.Token(SecretValue.ofUtf8(vault.issueToken(100, true)));
        try (VaultTransitKeyProvider provider = provider(token)) {
            provider.wrap(List.of(wrapRequest("c")));
            assertEquals(1, vault.count("/auth/token/lookup-self"));
            clock.advance(Duration.ofSeconds(40));
            provider.wrap(List.of(wrapRequest("c")));
            assertEquals(0, vault.count("/auth/token/renew-self"));
            clock.advance(Duration.ofSeconds(15));
            vault.advanceSeconds(55);
            provider.wrap(List.of(wrapRequest("c")));
            assertEquals(1, vault.count("/auth/token/renew-self"));
            vault.advanceSeconds(60);
            provider.wrap(List.of(wrapRequest("c")));
        }
        assertEquals(4, vault.count("/encrypt/"));
    }

    @Test
    void namespaceHeaderIsSentOnAuthAndTransitCalls() throws Exception {
        try (VaultTransitKeyProvider provider = provider(config(token(), "team-a"), recordingSleeper)) {
            provider.wrap(List.of(wrapRequest("c")));
        }
        assertEquals(2, vault.requests().size());
        vault.requests().forEach(r -> assertEquals("team-a", r.namespace(), r.path()));
    }

    @Test
    void retiredKeyVersionFailsToOpen() throws Exception {
        try (VaultTransitKeyProvider provider = provider(token())) {
            WrappedKey wrapped = provider.wrap(List.of(wrapRequest("c"))).get(0);
            vault.rotateKey(KEY);
            vault.setMinDecryptionVersion(KEY, 2);
            assertThrows(DecryptionFailedException.class,
                    () -> provider.unwrap(List.of(new UnwrapRequest(KeyContext.forCharacter("c"), wrapped))));
        }
    }

    @Test
    void documentNamingAVaultAddressTriggersNoCallToIt() throws Exception {
        AtomicInteger evilCalls = new AtomicInteger();
        HttpServer evil = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        evil.createContext("/", exchange -> {
            evilCalls.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        evil.start();
        String evilAddress = "http://127.0.0.1:" + evil.getAddress().getPort();
        try (VaultTransitKeyProvider provider = provider(token())) {
            CharacterSealer sealer = new CharacterSealer(provider);
            ObjectNode character = Characters.sample("c-evil");
            ((ObjectNode) character.get("settings")).put("vault_address", evilAddress).put("VAULT_ADDR", evilAddress);
            ObjectNode sealed = sealer.seal(character);
            assertEquals(character, sealer.open(sealed));

            ObjectNode withAddressInHeader = sealed.deepCopy();
            ((ObjectNode) withAddressInHeader.get("gatehouse_seal")).put("vault_address", evilAddress);
            assertThrows(DecryptionFailedException.class, () -> sealer.open(withAddressInHeader));
        } finally {
            evil.stop(0);
        }
        assertEquals(0, evilCalls.get());
        assertTrue(vault.requests().size() >= 3, "the configured Vault served the calls");
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
