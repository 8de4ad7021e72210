package dev.gatehouse.secrets.cli;

import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.InvalidDocumentException;
import dev.gatehouse.secrets.SecretsConfigException;
import dev.gatehouse.secrets.SecretsException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine.Model.CommandSpec;

/** Runs a subcommand body and turns its checked failures into one stderr line and an exit code. */
final class Execution {

    /** A subcommand body. */
    @FunctionalInterface
    interface Body {
        int run() throws SecretsException, IOException;
    }

    private Execution() {
    }

    static int run(CommandSpec spec, Body body) {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return body.run();
        } catch (SecretsConfigException e) {
            err.println("gatehouse secrets: " + e.getMessage());
            return SecretsCommand.EXIT_USAGE;
        } catch (DecryptionFailedException e) {
            err.println("gatehouse secrets: " + DecryptionFailedException.MESSAGE);
            return SecretsCommand.EXIT_FAILED;
        } catch (InvalidDocumentException e) {
            err.println("gatehouse secrets: invalid document: " + e.getMessage());
            return SecretsCommand.EXIT_FAILED;
        } catch (SecretsException e) {
            err.println("gatehouse secrets: " + e.getMessage());
            return SecretsCommand.EXIT_FAILED;
        } catch (NoSuchFileException e) {
            err.println("gatehouse secrets: no such file: " + e.getFile());
            return SecretsCommand.EXIT_USAGE;
        } catch (IOException e) {
            err.println("gatehouse secrets: I/O error: " + e.getClass().getSimpleName() + " " + e.getMessage());
            return SecretsCommand.EXIT_FAILED;
        } finally {
            err.flush();
        }
    }
}
