package dev.gatehouse.secrets.provider;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A data key encrypted by a provider's master key.
 *
 * @param provider   provider id ({@code vault-transit}, {@code local})
 * @param keyName    master key name
 * @param keyVersion master key version the ciphertext was made with (1 or more)
 * @param ciphertext provider ciphertext, {@code <prefix>:v<version>:<payload>}: {@code vault:v3:...}
 *                   for Transit, {@code local:v2:...} for the keyring
 */
public record WrappedKey(String provider, String keyName, int keyVersion, String ciphertext) {

    /** Longest wrapped key accepted (as Tink's KmsEnvelopeAead caps encrypted data keys). */
    public static final int MAX_CIPHERTEXT_CHARS = 4096;

    private static final Pattern VERSIONED = Pattern.compile("^[a-z]+:v([1-9][0-9]{0,8}):[A-Za-z0-9+/=_-]+$");

    public WrappedKey {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(keyName, "keyName");
        Objects.requireNonNull(ciphertext, "ciphertext");
        if (keyVersion < 1) {
            throw new IllegalArgumentException("key version must be positive");
        }
        if (ciphertext.length() > MAX_CIPHERTEXT_CHARS || versionOf(ciphertext) != keyVersion) {
            throw new IllegalArgumentException("wrapped key does not match its version");
        }
    }

    /**
     * Version encoded in a {@code prefix:vN:payload} ciphertext, or -1 when the string does not
     * have that shape.
     */
    public static int versionOf(String ciphertext) {
        if (ciphertext.length() > MAX_CIPHERTEXT_CHARS) {
            return -1;
        }
        var matcher = VERSIONED.matcher(ciphertext);
        return matcher.matches() ? Integer.parseInt(matcher.group(1)) : -1;
    }
}
