package dev.gatehouse.secrets.eliza;

import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.SecretValue;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts elizaOS secret values.
 *
 * <ul>
 *   <li>v1 (core 1.x): {@code hex(iv 16 B) ":" hex(AES-256-CBC-PKCS7(utf8))}.</li>
 *   <li>v2 (core 2.0-alpha): {@code "v2:" hex(iv 12 B) ":" hex(ciphertext) ":" hex(tag 16 B)}, AES-256-GCM
 *       with AAD {@code "elizaos:settings:v2"}.</li>
 * </ul>
 * Key: SHA-256 of the UTF-8 salt. Parsing is strict lowercase-or-uppercase hex (elizaOS's own
 * parser silently drops non-hex characters). v1 has no integrity: a wrong salt is caught only
 * when padding or UTF-8 decoding fails, so import with the right salt. Every failure is the same
 * {@link DecryptionFailedException}.
 */
public final class ElizaSecretCodec implements AutoCloseable {

    /** elizaOS's default {@code SECRET_SALT}; values under it are effectively public. */
    public static final String DEFAULT_SALT = "secretsalt";

    private static final Pattern V1 = Pattern.compile("^[0-9a-fA-F]{32}:(?:[0-9a-fA-F]{32})+$");
    private static final Pattern V2 = Pattern.compile("^v2:[0-9a-fA-F]{24}:(?:[0-9a-fA-F]{2})*:[0-9a-fA-F]{32}$");
    private static final byte[] V2_AAD = "elizaos:settings:v2".getBytes(StandardCharsets.UTF_8);

    private final byte[] key;

    /** Derives the key from {@code salt}; the caller keeps ownership of {@code salt}. */
    public ElizaSecretCodec(SecretValue salt) {
        byte[] saltBytes = salt.copyBytes();
        try {
            this.key = MessageDigest.getInstance("SHA-256").digest(saltBytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JDK", e);
        } finally {
            Arrays.fill(saltBytes, (byte) 0);
        }
    }

    /** Whether {@code value} has the exact shape of a v1 or v2 ciphertext. */
    public static boolean isCiphertext(String value) {
        return V1.matcher(value).matches() || V2.matcher(value).matches();
    }

    /**
     * Decrypts a v1 or v2 value into strict UTF-8 bytes.
     *
     * @throws DecryptionFailedException if the value is not a well-formed ciphertext or does not decrypt
     */
    public SecretValue decrypt(String value) throws DecryptionFailedException {
        byte[] plaintext;
        if (V2.matcher(value).matches()) {
            String[] parts = value.split(":", -1);
            byte[] sealed = concat(hex(parts[2]), hex(parts[3]));
            plaintext = run(Cipher.DECRYPT_MODE, "AES/GCM/NoPadding", new GCMParameterSpec(128, hex(parts[1])), sealed, V2_AAD);
        } else if (V1.matcher(value).matches()) {
            String[] parts = value.split(":", -1);
            plaintext = run(Cipher.DECRYPT_MODE, "AES/CBC/PKCS5Padding", new IvParameterSpec(hex(parts[0])), hex(parts[1]), null);
        } else {
            throw new DecryptionFailedException();
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(plaintext));
        } catch (CharacterCodingException e) {
            Arrays.fill(plaintext, (byte) 0);
            throw new DecryptionFailedException();
        }
        return SecretValue.adopt(plaintext);
    }

    @Override
    public void close() {
        Arrays.fill(key, (byte) 0);
    }

    private byte[] run(int mode, String transformation, AlgorithmParameterSpec parameters,
            byte[] input, byte[] aad) throws DecryptionFailedException {
        try {
            Cipher cipher = Cipher.getInstance(transformation);
            cipher.init(mode, new SecretKeySpec(key, "AES"), parameters);
            if (aad != null) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new DecryptionFailedException();
        }
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
