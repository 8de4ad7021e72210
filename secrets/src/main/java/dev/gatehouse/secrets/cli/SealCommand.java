package dev.gatehouse.secrets.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

/** {@code gatehouse secrets seal}. */
@Command(name = "seal", mixinStandardHelpOptions = true,
        description = {
            "Encrypt every value under settings.secrets and secrets of a plaintext character.",
            "The character needs a string \"id\"; values are bound to it and to their JSON Pointer."
        },
        footer = {"%nExample:%n  gatehouse secrets seal character.json -o character.sealed.json"})
final class SealCommand implements Callable<Integer> {

    @ParentCommand
    private SecretsCommand root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProviderOptions providerOptions;

    @Parameters(index = "0", paramLabel = "FILE", description = "Plaintext character JSON.")
    private Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write here instead of stdout (atomic).")
    private Path output;

    @Override
    public Integer call() {
        return Execution.run(spec, () -> {
            ObjectNode character = DocumentFiles.read(file);
            try (KeyProvider provider = providerOptions.open(root.environment())) {
                DocumentFiles.write(new CharacterSealer(provider).seal(character), output, spec.commandLine().getOut());
            }
            return SecretsCommand.EXIT_OK;
        });
    }
}
