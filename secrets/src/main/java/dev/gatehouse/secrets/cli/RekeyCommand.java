package dev.gatehouse.secrets.cli;

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

/** {@code gatehouse secrets rekey}. */
@Command(name = "rekey", mixinStandardHelpOptions = true,
        description = {
            "Re-encrypt every value under a new data key (after a leaked document, data key or",
            "secret). Rewrites FILE in place unless -o is given."
        },
        footer = {"%nExample:%n  gatehouse secrets rekey character.sealed.json"})
final class RekeyCommand implements Callable<Integer> {

    @ParentCommand
    private SecretsCommand root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProviderOptions providerOptions;

    @Parameters(index = "0", paramLabel = "FILE", description = "Sealed character JSON.")
    private Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write here instead of FILE (atomic).")
    private Path output;

    @Override
    public Integer call() {
        return Execution.run(spec, () -> {
            try (KeyProvider provider = providerOptions.open(root.environment())) {
                DocumentFiles.write(new CharacterSealer(provider).rekey(DocumentFiles.read(file)),
                        output == null ? file : output, spec.commandLine().getOut());
            }
            spec.commandLine().getErr().println("rekeyed " + (output == null ? file : output));
            return SecretsCommand.EXIT_OK;
        });
    }
}
