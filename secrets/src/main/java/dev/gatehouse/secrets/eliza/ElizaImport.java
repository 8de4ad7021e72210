package dev.gatehouse.secrets.eliza;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.InvalidDocumentException;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SecretsException;
import dev.gatehouse.secrets.format.SecretSections;

/**
 * Turns an elizaOS character whose secrets hold v1/v2 ciphertexts into a plaintext character,
 * ready to be sealed. Every string leaf in the secret sections that has the exact shape of a v1 or
 * v2 ciphertext must decrypt (fail closed: one bad value aborts the import); every other leaf is
 * a value elizaOS stored in the clear (empty strings, numbers, booleans) and is kept as is.
 */
public final class ElizaImport {

    private ElizaImport() {
    }

    /**
     * Result of an import.
     *
     * @param character plaintext character (a copy; the input is not modified)
     * @param decrypted number of values decrypted from v1/v2
     * @param keptAsIs  number of secret values elizaOS had stored in the clear
     */
    public record Result(ObjectNode character, int decrypted, int keptAsIs) {
    }

    /**
     * Decrypts the secret sections of {@code elizaCharacter}.
     *
     * @throws DecryptionFailedException if any v1/v2-shaped value does not decrypt under the salt
     * @throws InvalidDocumentException  if a secrets section is not an object
     */
    public static Result decryptSecrets(ObjectNode elizaCharacter, ElizaSecretCodec codec)
            throws DecryptionFailedException, InvalidDocumentException {
        ObjectNode plain = elizaCharacter.deepCopy();
        int[] counts = new int[2];
        try {
            SecretSections.transform(plain, (pointer, leaf) -> {
                if (!leaf.isTextual() || !ElizaSecretCodec.isCiphertext(leaf.textValue())) {
                    counts[1]++;
                    return leaf;
                }
                try (SecretValue value = codec.decrypt(leaf.textValue())) {
                    counts[0]++;
                    return plain.textNode(value.revealUtf8());
                }
            });
        } catch (DecryptionFailedException | InvalidDocumentException e) {
            throw e;
        } catch (SecretsException e) {
            throw new IllegalStateException("import raised an unexpected failure type", e);
        }
        return new Result(plain, counts[0], counts[1]);
    }
}
