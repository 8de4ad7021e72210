package dev.gatehouse.secrets.cli;

import dev.gatehouse.secrets.format.CharacterSealer;
import dev.gatehouse.secrets.format.CheckReport;
import dev.gatehouse.secrets.provider.KeyProvider;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gatehouse secrets check}. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {
            "Verify a sealed character (key commitment, MAC over header and every value, every",
            "value's GCM tag) without printing any value. Exit 1 with \"decryption failed\" otherwise."
        },
        footer = {"%nExample:%n  gatehouse secrets check character.sealed.json"})
final class CheckCommand implements Callable<Integer> {

    @ParentCommand
    private SecretsCommand root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProviderOptions providerOptions;

    @Parameters(index = "0", paramLabel = "FILE", description = "Sealed character JSON.")
    private Path file;

    @Override
    public Integer call() {
        return Execution.run(spec, () -> {
            CheckReport report;
            try (KeyProvider provider = providerOptions.open(root.environment())) {
                report = new CharacterSealer(provider).check(DocumentFiles.read(file));
            }
            spec.commandLine().getOut().printf("ok: %s: %d sealed values, character %s, provider %s, key %s v%d%n",
                    file, report.sealedValues(), report.characterId(), report.provider(), report.keyName(),
                    report.keyVersion());
            spec.commandLine().getOut().flush();
            return SecretsCommand.EXIT_OK;
        });
    }
}
