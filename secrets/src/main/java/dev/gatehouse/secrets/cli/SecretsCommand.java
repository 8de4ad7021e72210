package dev.gatehouse.secrets.cli;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse secrets}: the root of the secrets command tree. Subcommands print their errors
 * to stderr and return {@link #EXIT_OK}, {@link #EXIT_FAILED} or {@link #EXIT_USAGE} themselves,
 * so the tree behaves the same under any parent command line.
 */
@Command(
        name = "secrets",
        mixinStandardHelpOptions = true,
        description = {
            "Seal, open, check, rotate and rekey character documents whose values under",
            "settings.secrets and secrets are encrypted (format ghs:v1), and import elizaOS secrets.",
            "",
            "Key provider (every subcommand except keyring):",
            "  --provider local          development keyring file (--keyring, default .gatehouse/keyring.json)",
            "  --provider vault-transit  Vault/OpenBao Transit; address and credentials from the environment:",
            "                            VAULT_ADDR, VAULT_TOKEN or VAULT_ROLE_ID + VAULT_SECRET_ID",
            "                            (VAULT_APPROLE_MOUNT), VAULT_NAMESPACE, VAULT_CACERT",
            "  --profile production      refuses the local provider, local-sealed documents, http:// Vault",
            "                            addresses and VAULT_SKIP_VERIFY / VAULT_SSL_VERIFY=false"
        },
        subcommands = {
            SealCommand.class,
            OpenCommand.class,
            CheckCommand.class,
            RotateCommand.class,
            RekeyCommand.class,
            ImportElizaCommand.class,
            KeyringCommand.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  gatehouse secrets keyring init",
            "  gatehouse secrets seal character.json -o character.sealed.json",
            "  gatehouse secrets check character.sealed.json",
            "  gatehouse secrets open character.sealed.json --exec -- node start.mjs",
            "  VAULT_ADDR=https://vault:8200 VAULT_TOKEN=... gatehouse secrets rotate --provider vault-transit --profile production chars/*.json"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:operation failed (decryption failed, key provider unavailable, I/O error)",
            "2:bad usage or configuration"
        })
public final class SecretsCommand implements Callable<Integer> {

    /** Success. */
    public static final int EXIT_OK = 0;
    /** The operation failed: decryption failed, provider unavailable, I/O error. */
    public static final int EXIT_FAILED = 1;
    /** Bad usage or configuration. */
    public static final int EXIT_USAGE = 2;

    private final Map<String, String> environment;
    private final Clock clock;

    @Spec
    private CommandSpec spec;

    /** Reads provider settings from the process environment. */
    public SecretsCommand() {
        this(System.getenv(), Clock.systemUTC());
    }

    /** For embedding and tests: an explicit environment and clock. */
    public SecretsCommand(Map<String, String> environment, Clock clock) {
        this.environment = Map.copyOf(environment);
        this.clock = clock;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    Map<String, String> environment() {
        return environment;
    }

    Clock clock() {
        return clock;
    }
}
