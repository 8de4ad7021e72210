package dev.gatehouse.secrets.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.InvalidDocumentException;
import dev.gatehouse.secrets.format.CharacterJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reads character files and writes them atomically (temporary file, then move). */
final class DocumentFiles {

    private DocumentFiles() {
    }

    static ObjectNode read(Path file) throws IOException, InvalidDocumentException {
        return CharacterJson.read(Files.readAllBytes(file));
    }

    /** Writes to {@code target}, or to {@code out} when {@code target} is null. */
    static void write(ObjectNode document, Path target, PrintWriter out) throws IOException {
        byte[] json = CharacterJson.write(document);
        if (target == null) {
            out.print(new String(json, StandardCharsets.UTF_8));
            out.flush();
            return;
        }
        Path absolute = target.toAbsolutePath();
        Path temporary = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        try {
            Files.write(temporary, json);
            try {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
