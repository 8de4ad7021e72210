package dev.gatehouse.secrets.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.format.CharacterJson;
import dev.gatehouse.secrets.testsupport.Characters;
import dev.gatehouse.secrets.testsupport.TransitDouble;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsCommandTest {

    private static final Map<String, String> NO_ENV = Map.of();
    private static final String V1 =
            "7d76bfe393be5d9d496c44220d7fd8ca:aaca06ebd1a18b2ef0813daffab497b6378687fc0d3897132ba8645c2e69f2aa";

    @TempDir
    Path directory;

    private String keyring;
    private Path plain;
    private Path sealed;

    @BeforeEach
    void createKeyringAndCharacter() throws Exception {
        keyring = directory.resolve("keyring.json").toString();
        assertEquals(0, CliRun.run(NO_ENV, "keyring", "init", "--keyring", keyring).exitCode());
        plain = directory.resolve("character.json");
        Files.write(plain, CharacterJson.write(Characters.sample("c-1")));
        sealed = directory.resolve("character.sealed.json");
    }

    private CliRun secrets(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(Math.min(1, all.size()), List.of("--keyring", keyring));
        return CliRun.run(NO_ENV, all.toArray(String[]::new));
    }

    private static ObjectNode read(Path file) throws Exception {
        return CharacterJson.read(Files.readAllBytes(file));
    }

    @Test
    void helpListsSubcommandsExamplesAndExitCodes() {
        CliRun help = CliRun.run(NO_ENV, "--help");
        assertEquals(0, help.exitCode());
        for (String expected : List.of("seal", "open", "check", "rotate", "rekey", "import-eliza", "keyring",
                "Exit codes:", "bad usage or configuration", "Examples:", "VAULT_ADDR")) {
            assertTrue(help.out().contains(expected), "help mentions " + expected);
        }
        CliRun openHelp = CliRun.run(NO_ENV, "open", "--help");
        assertTrue(openHelp.out().contains("--exec"));
        assertTrue(openHelp.out().contains("--provider"));
    }

    @Test
    void sealCheckOpenRoundTrip() throws Exception {
        CliRun seal = secrets("seal", plain.toString(), "-o", sealed.toString());
        assertEquals(0, seal.exitCode(), seal.err());
        assertFalse(Files.readString(sealed).contains("sk-test-openai"));

        CliRun check = secrets("check", sealed.toString());
        assertEquals(0, check.exitCode(), check.err());
        assertTrue(check.out().contains("13 sealed values"));
        assertFalse(check.out().contains("sk-test-openai"));

        CliRun open = secrets("open", sealed.toString());
        assertEquals(0, open.exitCode(), open.err());
        assertEquals(Characters.sample("c-1"), Characters.parse(open.out()));
    }

    @Test
    void sealWithoutOutputPrintsTheSealedDocument() throws Exception {
        CliRun seal = secrets("seal", plain.toString());
        assertEquals(0, seal.exitCode());
        assertTrue(Characters.parse(seal.out()).has("gatehouse_seal"));
    }

    @Test
    void tamperedDocumentExitsOneWithTheOpaqueMessage() throws Exception {
        secrets("seal", plain.toString(), "-o", sealed.toString());
        ObjectNode document = read(sealed);
        ((ObjectNode) document.get("secrets")).set("DISCORD_TOKEN", document.at("/settings/secrets/OPENAI_API_KEY"));
        Files.write(sealed, CharacterJson.write(document));
        for (String command : List.of("open", "check")) {
            CliRun run = secrets(command, sealed.toString());
            assertEquals(1, run.exitCode());
            assertEquals("gatehouse secrets: decryption failed", run.err().strip());
            assertEquals("", run.out());
        }
    }

    @Test
    void openExecPassesSecretsAsEnvironmentAndReturnsTheCommandsExitCode() throws Exception {
        secrets("seal", plain.toString(), "-o", sealed.toString());
        CliRun matches = secrets("open", sealed.toString(), "--exec", "--", "sh", "-c",
                "test \"$OPENAI_API_KEY\" = sk-test-openai && test \"$DISCORD_TOKEN\" = discord-test-token"
                        + " && test \"$PORT\" = 8080 && test \"$EMPTY\" = '' && test \"$NESTED\" = '{\"inner\":{\"token\":\"t-123\"},\"list\":[1,{\"k\":\"v\"}]}'");
        assertEquals(0, matches.exitCode(), matches.err());
        assertEquals(7, secrets("open", sealed.toString(), "--exec", "--", "sh", "-c", "exit 7").exitCode());
        assertEquals("", matches.out(), "nothing printed with --exec");
    }

    @Test
    void commandWithoutExecIsAUsageError() throws Exception {
        secrets("seal", plain.toString(), "-o", sealed.toString());
        assertEquals(2, secrets("open", sealed.toString(), "sh").exitCode());
        assertEquals(2, secrets("open", sealed.toString(), "--exec").exitCode());
    }

    @Test
    void rekeyRewritesInPlaceWithANewDataKey() throws Exception {
        secrets("seal", plain.toString(), "-o", sealed.toString());
        String before = read(sealed).at("/gatehouse_seal/data_key_id").textValue();
        CliRun rekey = secrets("rekey", sealed.toString());
        assertEquals(0, rekey.exitCode(), rekey.err());
        assertNotEquals(before, read(sealed).at("/gatehouse_seal/data_key_id").textValue());
        assertEquals(Characters.sample("c-1"), Characters.parse(secrets("open", sealed.toString()).out()));
    }

    @Test
    void rotateRewrapsManyFilesWithAProgressBar() throws Exception {
        List<String> args = new ArrayList<>(List.of("rotate"));
        for (int i = 0; i < 40; i++) {
            Path file = directory.resolve("c" + i + ".json");
            Files.write(file, CharacterJson.write(Characters.sample("c-" + i)));
            assertEquals(0, secrets("seal", file.toString(), "-o", file.toString()).exitCode());
            args.add(file.toString());
        }
        assertEquals(0, CliRun.run(NO_ENV, "keyring", "rotate", "--keyring", keyring).exitCode());
        CliRun rotate = secrets(args.toArray(String[]::new));
        assertEquals(0, rotate.exitCode(), rotate.err());
        assertTrue(rotate.err().contains("] 40/40 files"));
        assertTrue(rotate.err().contains("rotated 40, already current 0, failed 0"));
        ObjectNode rotated = read(directory.resolve("c3.json"));
        assertEquals(2, rotated.at("/gatehouse_seal/key_version").intValue());
        assertEquals(Characters.sample("c-3"), Characters.parse(secrets("open", directory.resolve("c3.json").toString()).out()));

        CliRun again = secrets(args.toArray(String[]::new));
        assertTrue(again.err().contains("rotated 0, already current 40, failed 0"));
    }

    @Test
    void rotateReportsFilesItCannotRotateAndExitsOne() throws Exception {
        secrets("seal", plain.toString(), "-o", sealed.toString());
        CliRun rotate = secrets("rotate", "--no-progress", sealed.toString(), plain.toString());
        assertEquals(1, rotate.exitCode());
        assertTrue(rotate.err().contains("rotated 0, already current 1, failed 1"));
        assertTrue(rotate.err().contains(plain.toString()));
    }

    @Test
    void importElizaSealsDecryptedValues() throws Exception {
        Path eliza = directory.resolve("eliza.json");
        Files.writeString(eliza, "{\"name\":\"Eliza\",\"settings\":{\"secrets\":{\"OPENAI_API_KEY\":\"" + V1 + "\"}}}");
        Path out = directory.resolve("imported.json");
        CliRun imported = CliRun.run(Map.of("RUNTIME_SALT", "secretsalt"), "import-eliza", eliza.toString(),
                "--salt-env", "RUNTIME_SALT", "--character-id", "agent-1", "-o", out.toString(), "--keyring", keyring);
        assertEquals(0, imported.exitCode(), imported.err());
        assertTrue(imported.err().contains("default salt"));
        assertTrue(imported.err().contains("imported 1 encrypted and 0 plaintext"));
        assertEquals("sk-test-settings-secret",
                Characters.parse(secrets("open", out.toString()).out()).at("/settings/secrets/OPENAI_API_KEY").textValue());
    }

    @Test
    void importElizaWithoutTheSaltVariableIsAUsageError() throws Exception {
        CliRun run = secrets("import-eliza", plain.toString(), "--salt-env", "MISSING_SALT");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("MISSING_SALT is not set"));
    }

    @Test
    void importElizaWithTheWrongSaltExitsOneAndWritesNothing() throws Exception {
        Path eliza = directory.resolve("eliza.json");
        Files.writeString(eliza, "{\"id\":\"a\",\"settings\":{\"secrets\":{\"K\":\"" + V1 + "\"}}}");
        Path out = directory.resolve("imported.json");
        CliRun run = CliRun.run(Map.of("S", "wrong-salt"), "import-eliza", eliza.toString(), "--salt-env", "S",
                "-o", out.toString(), "--keyring", keyring);
        assertEquals(1, run.exitCode());
        assertFalse(Files.exists(out));
    }

    @Test
    void productionProfileWithTheLocalProviderIsAConfigurationError() throws Exception {
        CliRun run = secrets("seal", plain.toString(), "--profile", "production");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("production profile refuses"));
        assertEquals("", run.out());
    }

    @Test
    void unknownProviderOrProfileAndMissingFilesAreUsageErrors() {
        assertEquals(2, secrets("seal", plain.toString(), "--provider", "kms").exitCode());
        assertEquals(2, secrets("seal", plain.toString(), "--profile", "staging").exitCode());
        assertEquals(2, secrets("seal", directory.resolve("absent.json").toString()).exitCode());
        assertEquals(2, CliRun.run(NO_ENV, "seal").exitCode());
        assertEquals(2, CliRun.run(NO_ENV).exitCode());
    }

    @Test
    void keyringInitRefusesToOverwrite() {
        CliRun again = CliRun.run(NO_ENV, "keyring", "init", "--keyring", keyring);
        assertEquals(2, again.exitCode());
        assertTrue(again.err().contains("already exists"));
    }

    @Test
    void vaultProviderTakesAddressAndTokenFromTheEnvironment() throws Exception {
        try (TransitDouble vault = new TransitDouble("transit")) {
            vault.createDerivedKey("gatehouse-characters");
            Map<String, String> env = Map.of("VAULT_ADDR", vault.address().toString(), "VAULT_TOKEN", vault.issueToken(0, false));
            CliRun seal = CliRun.run(env, "seal", plain.toString(), "-o", sealed.toString(), "--provider", "vault-transit");
            assertEquals(0, seal.exitCode(), seal.err());
            assertEquals("vault-transit", read(sealed).at("/gatehouse_seal/provider").textValue());
            CliRun open = CliRun.run(env, "open", sealed.toString(), "--provider", "vault-transit");
            assertEquals(Characters.sample("c-1"), Characters.parse(open.out()));
            assertEquals(1, secrets("open", sealed.toString()).exitCode(), "the local provider refuses a Vault document");
            CliRun production = CliRun.run(env, "open", sealed.toString(), "--provider", "vault-transit", "--profile", "production");
            assertEquals(2, production.exitCode(), "production refuses http://");
        }
    }

    @Test
    void unreachableVaultExitsOneWithoutDetails() throws Exception {
        Map<String, String> env = Map.of("VAULT_ADDR", "http://127.0.0.1:1", "VAULT_TOKEN", "hvs.canary-token");
        CliRun run = CliRun.run(env, "seal", plain.toString(), "--provider", "vault-transit");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("vault-transit encrypt failed after 4 attempts (connection error)"), run.err());
        assertFalse(run.err().contains("canary-token"));
        assertEquals("", run.out());
    }
}
