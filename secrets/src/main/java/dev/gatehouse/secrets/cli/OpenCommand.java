package dev.gatehouse.secrets.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.format.CharacterSealer;
import dev.gatehouse.secrets.provider.KeyProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gatehouse secrets open}. */
@Command(name = "open", mixinStandardHelpOptions = true,
        description = {
            "Decrypt a sealed character and print it to stdout, or run a command with its secrets",
            "as environment variables (--exec). With --exec, each member of secrets and",
            "settings.secrets whose name is a valid variable name becomes one variable (secrets wins);",
            "objects and arrays are passed as JSON text; the exit code is the command's."
        },
        footer = {"%nExamples:%n  gatehouse secrets open character.sealed.json > /dev/null",
            "  gatehouse secrets open character.sealed.json --exec -- node start.mjs"})
final class OpenCommand implements Callable<Integer> {

    private static final Pattern VARIABLE_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");

    @ParentCommand
    private SecretsCommand root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProviderOptions providerOptions;

    @Parameters(index = "0", paramLabel = "FILE", description = "Sealed character JSON.")
    private Path file;

    @Option(names = "--exec", description = "Run COMMAND (after --) with the secrets in its environment.")
    private boolean exec;

    @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "0..*", description = "Command and arguments for --exec.")
    private List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        if (exec == command.isEmpty()) {
            spec.commandLine().getErr().println("gatehouse secrets: --exec needs a command after --, and a command needs --exec");
            return SecretsCommand.EXIT_USAGE;
        }
        return Execution.run(spec, () -> {
            ObjectNode opened;
            try (KeyProvider provider = providerOptions.open(root.environment())) {
                opened = new CharacterSealer(provider).open(DocumentFiles.read(file));
            }
            if (!exec) {
                DocumentFiles.write(opened, null, spec.commandLine().getOut());
                return SecretsCommand.EXIT_OK;
            }
            return runWith(environmentOf(opened, spec.commandLine().getErr()));
        });
    }

    private int runWith(Map<String, String> secrets) throws IOException {
        ProcessBuilder process = new ProcessBuilder(command).inheritIO();
        process.environment().putAll(secrets);
        try {
            return process.start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the command");
        }
    }

    private static Map<String, String> environmentOf(ObjectNode opened, PrintWriter err) {
        Map<String, String> variables = new LinkedHashMap<>();
        addSection(opened.at("/settings/secrets"), variables, err);
        addSection(opened.at("/secrets"), variables, err);
        return variables;
    }

    private static void addSection(JsonNode section, Map<String, String> variables, PrintWriter err) {
        section.properties().forEach(member -> {
            JsonNode value = member.getValue();
            if (!VARIABLE_NAME.matcher(member.getKey()).matches()) {
                err.println("gatehouse secrets: skipping " + member.getKey() + ": not a valid environment variable name");
            } else if (!value.isNull()) {
                variables.put(member.getKey(), value.isContainerNode() ? value.toString() : value.asText());
            }
        });
    }
}
