package dev.gatehouse.secrets;

/**
 * A plaintext document cannot be sealed as given: it has no character id, it is already sealed,
 * or a secrets section is not a JSON object. The message names the problem and the JSON Pointer
 * involved, never a value.
 */
public final class InvalidDocumentException extends SecretsException {

    public InvalidDocumentException(String message) {
        super(message);
    }
}
