package dev.gatehouse.secrets;

/**
 * The one opaque failure of every open, check and unwrap path.
 *
 * <p>Thrown for a bad tag, a wrong AAD (value moved to another pointer or character), a bad MAC, a
 * bad key commitment, a malformed or unknown header, a document sealed by a provider the current
 * profile refuses, and a ciphertext the key provider rejected. The message is always
 * {@value #MESSAGE}, there is no cause and no stack trace, so callers and logs cannot tell the
 * stages apart.
 */
public final class DecryptionFailedException extends SecretsException {

    /** The only message this exception ever carries. */
    public static final String MESSAGE = "decryption failed";

    public DecryptionFailedException() {
        super(MESSAGE, false);
    }
}
