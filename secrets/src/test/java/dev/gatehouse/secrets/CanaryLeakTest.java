package dev.gatehouse.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.format.CharacterJson;
import dev.gatehouse.secrets.format.CharacterSealer;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.KeyProviders;
import dev.gatehouse.secrets.provider.Profile;
import dev.gatehouse.secrets.provider.vault.RetryPolicy;
import dev.gatehouse.secrets.provider.vault.VaultAuth;
import dev.gatehouse.secrets.provider.vault.VaultTransitConfig;
import dev.gatehouse.secrets.testsupport.CapturedLogs;
import dev.gatehouse.secrets.testsupport.Characters;
import dev.gatehouse.secrets.testsupport.TransitDouble;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Canary secrets (a character secret, a Vault token, an AppRole secret id, an elizaOS salt) go
 * through every seal, open, check, rekey, rotate, import and error path; none may appear, in any
 * common encoding, in a log event, an exception message, or CLI output other than {@code open}'s
 * deliberate plaintext on stdout.
 */
class CanaryLeakTest {

    private static final String SECRET = "canary-secret-4f1d2e";
    private static final String SECRET_ID = "canary-secret-id-9c2a";
    private static final String SALT = "canary-salt-77ab";

    @TempDir
    Path directory;

    private final List<String> observed = new ArrayList<>();

    private static ObjectNode canaryCharacter(String id) {
        ObjectNode character = Characters.sample(id);
        ((ObjectNode) character.at("/settings/secrets")).put("OPENAI_API_KEY", SECRET);
        ((ObjectNode) character.get("secrets")).put("DISCORD_TOKEN", SECRET);
        return character;
    }

    private String cli(Map<String, String> env, boolean keepStdout, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new dev.gatehouse.secrets.cli.SecretsCommand(env, Clock.systemUTC()));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        observed.add(err.toString());
        if (!keepStdout) {
            observed.add(out.toString());
        }
        return exit + ":" + out;
    }

    @Test
    void canaryNeverReachesLogsErrorsOrOutputOnTheLocalProvider() throws Exception {
        String keyring = directory.resolve("keyring.json").toString();
        Path plain = directory.resolve("plain.json");
        Path sealed = directory.resolve("sealed.json");
        Files.write(plain, CharacterJson.write(canaryCharacter("c-1")));
        Path eliza = directory.resolve("eliza.json");
        Files.writeString(eliza, "{\"id\":\"agent-1\",\"settings\":{\"secrets\":{\"K\":\"" + elizaV1(SALT, SECRET) + "\"}}}");
        Map<String, String> env = Map.of("RUNTIME_SALT", SALT, "WRONG_SALT", "wrong-" + SALT);
        try (CapturedLogs logs = new CapturedLogs()) {
            cli(env, false, "keyring", "init", "--keyring", keyring);
            assertTrue(cli(env, false, "seal", "--keyring", keyring, plain.toString(), "-o", sealed.toString()).startsWith("0:"));
            assertTrue(cli(env, false, "check", "--keyring", keyring, sealed.toString()).startsWith("0:"));
            assertTrue(cli(env, true, "open", "--keyring", keyring, sealed.toString()).contains(SECRET), "open prints the plaintext");
            cli(env, false, "open", "--keyring", keyring, sealed.toString(), "--exec", "--", "sh", "-c", "test -n \"$OPENAI_API_KEY\"");
            cli(env, false, "rekey", "--keyring", keyring, sealed.toString());
            cli(env, false, "keyring", "rotate", "--keyring", keyring);
            cli(env, false, "rotate", "--keyring", keyring, sealed.toString(), plain.toString());
            cli(env, false, "import-eliza", "--keyring", keyring, eliza.toString(), "--salt-env", "RUNTIME_SALT");
            cli(env, false, "import-eliza", "--keyring", keyring, eliza.toString(), "--salt-env", "WRONG_SALT");
            cli(env, false, "seal", "--keyring", keyring, "--profile", "production", plain.toString());

            ObjectNode tampered = CharacterJson.read(Files.readAllBytes(sealed));
            ((ObjectNode) tampered.get("secrets")).set("DISCORD_TOKEN", tampered.at("/settings/secrets/OPENAI_API_KEY"));
            Files.write(sealed, CharacterJson.write(tampered));
            assertTrue(cli(env, false, "open", "--keyring", keyring, sealed.toString()).startsWith("1:"));
            assertTrue(cli(env, false, "check", "--keyring", keyring, sealed.toString()).startsWith("1:"));

            Files.setPosixFilePermissions(Path.of(keyring), PosixFilePermissions.fromString("rw-r--r--"));
            assertTrue(cli(env, false, "open", "--keyring", keyring, sealed.toString()).startsWith("2:"));
            observed.add(logs.rendered());
        }
        assertNoCanary(List.of(SECRET, SALT));
    }

    @Test
    void canaryNeverReachesLogsOrExceptionsOnTheVaultProvider() throws Exception {
        try (TransitDouble vault = new TransitDouble("transit"); CapturedLogs logs = new CapturedLogs()) {
            vault.createDerivedKey("gatehouse-characters");
            vault.addAppRole("role-canary", SECRET_ID, 3600);
            String token = vault.issueToken(3600, true);
            for (VaultAuth auth : List.of(new VaultAuth.Token(SecretValue.ofUtf8(token)),
                    new VaultAuth.AppRole("approle", "role-canary", SecretValue.ofUtf8(SECRET_ID)))) {
                observed.add(auth.toString());
                VaultTransitConfig config = new VaultTransitConfig(vault.address(), "transit", "gatehouse-characters", null, auth,
                        null, Duration.ofSeconds(2), Duration.ofSeconds(5), new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)));
                observed.add(config.toString());
                try (KeyProvider provider = KeyProviders.open(Profile.DEVELOPMENT, config, Map.of())) {
                    CharacterSealer sealer = new CharacterSealer(provider);
                    ObjectNode sealed = sealer.seal(canaryCharacter("c-vault"));
                    observed.add(sealed.toString());
                    assertEquals(SECRET, sealer.open(sealed).at("/settings/secrets/OPENAI_API_KEY").textValue());
                    sealer.check(sealed);

                    vault.failNext(2, 503);
                    sealer.open(sealed);
                    vault.failNext(5, 503);
                    record(assertThrows(KeyProviderException.class, () -> sealer.open(sealed)));
                    vault.failNext(1, 400);
                    record(assertThrows(DecryptionFailedException.class, () -> sealer.open(sealed)));
                    vault.failNext(1, 403);
                    observed.add(outcome(() -> sealer.seal(canaryCharacter("c-2"))));

                    ObjectNode moved = sealed.deepCopy();
                    moved.put("id", "another");
                    record(assertThrows(DecryptionFailedException.class, () -> sealer.open(moved)));
                    vault.revokeAllTokens();
                    observed.add(outcome(() -> sealer.open(sealed)));
                }
            }
            observed.add(logs.rendered());
            assertFalse(logs.events().isEmpty(), "retries were logged");
            assertNoCanary(List.of(SECRET, SECRET_ID, token));
        }
    }

    private void record(Exception e) {
        observed.add(e.getClass().getName() + ": " + e.getMessage() + " cause=" + e.getCause());
    }

    /** Runs a path whose outcome depends on the auth method (a 403 is final for a token, re-logged-in for AppRole). */
    private static String outcome(ThrowingRunnable body) {
        try {
            body.run();
            return "succeeded";
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private void assertNoCanary(List<String> canaries) {
        String all = String.join("\n", observed);
        assertFalse(all.isEmpty());
        for (String canary : canaries) {
            byte[] bytes = canary.getBytes(StandardCharsets.UTF_8);
            for (String encoded : List.of(canary, Base64.getEncoder().encodeToString(bytes),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), HexFormat.of().formatHex(bytes))) {
                // The message names which encoding leaked, never the canary itself.
                assertFalse(all.contains(encoded), "a canary leaked (encoding length " + encoded.length() + ")");
            }
        }
    }

    /** elizaOS v1: hex(iv) ":" hex(AES-256-CBC(SHA-256(salt), utf8)). */
    private static String elizaV1(String salt, String plaintext) throws Exception {
        byte[] key = MessageDigest.getInstance("SHA-256").digest(salt.getBytes(StandardCharsets.UTF_8));
        byte[] iv = new byte[16];
        Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        return HexFormat.of().formatHex(iv) + ":" + HexFormat.of().formatHex(cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8)));
    }
}
