package dev.gatehouse.secrets.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.InvalidDocumentException;
import dev.gatehouse.secrets.format.CharacterSealer;
import dev.gatehouse.secrets.format.RotationResult;
import dev.gatehouse.secrets.provider.KeyProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gatehouse secrets rotate}. */
@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = {
            "Rewrap the data key of each sealed file to the newest master key version (after",
            "'vault write -f transit/keys/<key>/rotate' or 'gatehouse secrets keyring rotate').",
            "Values are not re-encrypted and never decrypted: with Vault this needs only the rewrap",
            "permission. Files are rewritten in place; one provider call per " + RotateCommand.CHUNK + " files."
        },
        footer = {"%nExample:%n  gatehouse secrets rotate --provider vault-transit characters/*.sealed.json"})
final class RotateCommand implements Callable<Integer> {

    /** Files per provider call, which is also the progress bar's step. */
    static final int CHUNK = 32;

    @ParentCommand
    private SecretsCommand root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProviderOptions providerOptions;

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "FILE", description = "Sealed character files.")
    private List<Path> files;

    @Option(names = "--no-progress", description = "Do not draw the progress bar.")
    private boolean noProgress;

    @Override
    public Integer call() {
        return Execution.run(spec, () -> {
            PrintWriter err = spec.commandLine().getErr();
            ProgressBar progress = noProgress ? null : new ProgressBar(err, files.size());
            int rotated = 0;
            int current = 0;
            List<Path> failed = new ArrayList<>();
            try (KeyProvider provider = providerOptions.open(root.environment())) {
                CharacterSealer sealer = new CharacterSealer(provider);
                for (int start = 0; start < files.size(); start += CHUNK) {
                    List<Path> chunk = files.subList(start, Math.min(files.size(), start + CHUNK));
                    List<Path> readable = new ArrayList<>();
                    List<ObjectNode> documents = new ArrayList<>();
                    for (Path file : chunk) {
                        ObjectNode document = readOrNull(file);
                        if (document == null) {
                            failed.add(file);
                        } else {
                            readable.add(file);
                            documents.add(document);
                        }
                    }
                    List<RotationResult> results = documents.isEmpty() ? List.of() : sealer.rotate(documents);
                    for (int i = 0; i < results.size(); i++) {
                        RotationResult result = results.get(i);
                        if (result.status() == RotationResult.Status.ROTATED) {
                            DocumentFiles.write(result.document(), readable.get(i), spec.commandLine().getOut());
                            rotated++;
                        } else if (result.status() == RotationResult.Status.CURRENT) {
                            current++;
                        } else {
                            failed.add(readable.get(i));
                        }
                    }
                    if (progress != null) {
                        progress.update(start + chunk.size());
                    }
                }
            }
            failed.forEach(file -> err.println("gatehouse secrets: not rotated (unreadable, not sealed by this provider and key, or refused): " + file));
            err.printf("rotated %d, already current %d, failed %d%n", rotated, current, failed.size());
            return failed.isEmpty() ? SecretsCommand.EXIT_OK : SecretsCommand.EXIT_FAILED;
        });
    }

    private static ObjectNode readOrNull(Path file) {
        try {
            return DocumentFiles.read(file);
        } catch (IOException | InvalidDocumentException e) {
            return null;
        }
    }
}
