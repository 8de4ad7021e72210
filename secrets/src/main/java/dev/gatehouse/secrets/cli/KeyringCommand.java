package dev.gatehouse.secrets.cli;

import dev.gatehouse.secrets.provider.KeyProviderConfig;
import dev.gatehouse.secrets.provider.local.Keyring;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gatehouse secrets keyring}: the development keyring of the local provider. */
@Command(name = "keyring", mixinStandardHelpOptions = true,
        description = "Manage the local provider's development keyring (a 0600 JSON file; never for production).",
        subcommands = {KeyringCommand.Init.class, KeyringCommand.Rotate.class})
final class KeyringCommand implements Callable<Integer> {

    @ParentCommand
    SecretsCommand root;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return SecretsCommand.EXIT_USAGE;
    }

    /** Flags shared by the keyring subcommands. */
    static final class KeyringOptions {
        @Option(names = "--keyring", paramLabel = "FILE", defaultValue = ".gatehouse/keyring.json",
                description = "Keyring file (default: ${DEFAULT-VALUE}).")
        Path file;

        @Option(names = "--key", paramLabel = "NAME", defaultValue = KeyProviderConfig.DEFAULT_KEY_NAME,
                description = "Key name (default: ${DEFAULT-VALUE}).")
        String keyName;
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create a keyring file (0600) with version 1 of a new key. Refuses to overwrite.")
    static final class Init implements Callable<Integer> {
        @ParentCommand
        private KeyringCommand keyring;

        @Spec
        private CommandSpec spec;

        @Mixin
        private KeyringOptions options;

        @Override
        public Integer call() {
            return Execution.run(spec, () -> {
                KeyProviderConfig.requireKeyName(options.keyName);
                Keyring.create(options.file, options.keyName, keyring.root.clock());
                spec.commandLine().getErr().println("created " + options.file + " with key " + options.keyName + " v1");
                return SecretsCommand.EXIT_OK;
            });
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Add a new version of a key; new seals use it, 'gatehouse secrets rotate' rewraps old files."})
    static final class Rotate implements Callable<Integer> {
        @ParentCommand
        private KeyringCommand keyring;

        @Spec
        private CommandSpec spec;

        @Mixin
        private KeyringOptions options;

        @Override
        public Integer call() {
            return Execution.run(spec, () -> {
                KeyProviderConfig.requireKeyName(options.keyName);
                int version = Keyring.addVersion(options.file, options.keyName, keyring.root.clock());
                spec.commandLine().getErr().println("key " + options.keyName + " is now at version " + version);
                return SecretsCommand.EXIT_OK;
            });
        }
    }
}
