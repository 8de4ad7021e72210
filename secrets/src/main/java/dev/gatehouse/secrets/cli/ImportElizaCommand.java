package dev.gatehouse.secrets.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SecretsConfigException;
import dev.gatehouse.secrets.eliza.ElizaImport;
import dev.gatehouse.secrets.eliza.ElizaSecretCodec;
import dev.gatehouse.secrets.format.CharacterSealer;
import dev.gatehouse.secrets.provider.KeyProvider;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gatehouse secrets import-eliza}. */
@Command(name = "import-eliza", mixinStandardHelpOptions = true,
        description = {
            "Turn an elizaOS character whose secrets are v1 (AES-CBC, core 1.x) or v2 (AES-GCM,",
            "core 2.0) ciphertexts into a sealed document. The runtime's SECRET_SALT is read from",
            "the environment variable named by --salt-env, never from the command line.",
            "Every value shaped like a v1/v2 ciphertext must decrypt, or nothing is written."
        },
        footer = {"%nExample:%n  SECRET_SALT=... gatehouse secrets import-eliza agent.json --salt-env SECRET_SALT -o agent.sealed.json"})
final class ImportElizaCommand implements Callable<Integer> {

    @ParentCommand
    private SecretsCommand root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProviderOptions providerOptions;

    @Parameters(index = "0", paramLabel = "FILE", description = "elizaOS character JSON.")
    private Path file;

    @Option(names = "--salt-env", required = true, paramLabel = "VAR", description = "Environment variable holding SECRET_SALT.")
    private String saltVariable;

    @Option(names = "--character-id", paramLabel = "ID", description = "Character id to bind to, when the file has no \"id\".")
    private String characterId;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write here instead of stdout (atomic).")
    private Path output;

    @Override
    public Integer call() {
        return Execution.run(spec, () -> {
            String salt = root.environment().get(saltVariable);
            if (salt == null || salt.isEmpty()) {
                throw new SecretsConfigException("environment variable " + saltVariable + " is not set");
            }
            ObjectNode character = DocumentFiles.read(file);
            if (characterId != null) {
                if (character.hasNonNull("id") && !characterId.equals(character.get("id").asText())) {
                    throw new SecretsConfigException("--character-id differs from the file's \"id\"");
                }
                character.put("id", characterId);
            }
            ElizaImport.Result imported;
            try (SecretValue saltValue = SecretValue.ofUtf8(salt); ElizaSecretCodec codec = new ElizaSecretCodec(saltValue)) {
                imported = ElizaImport.decryptSecrets(character, codec);
            }
            try (KeyProvider provider = providerOptions.open(root.environment())) {
                DocumentFiles.write(new CharacterSealer(provider).seal(imported.character()), output, spec.commandLine().getOut());
            }
            if (ElizaSecretCodec.DEFAULT_SALT.equals(salt)) {
                spec.commandLine().getErr().println("gatehouse secrets: warning: the runtime used elizaOS's default salt;"
                        + " treat every imported secret as disclosed and replace it");
            }
            spec.commandLine().getErr().printf("imported %d encrypted and %d plaintext secret values%n",
                    imported.decrypted(), imported.keptAsIs());
            return SecretsCommand.EXIT_OK;
        });
    }
}
