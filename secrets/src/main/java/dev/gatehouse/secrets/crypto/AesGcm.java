package dev.gatehouse.secrets.crypto;

import dev.gatehouse.secrets.DecryptionFailedException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM through the JDK's JCE provider, with a fresh random 96-bit nonce per call.
 *
 * <p>Output layout of {@link #seal}: {@code nonce (12 bytes) || ciphertext (len(plaintext)) || tag (16 bytes)}.
 * There is deliberately no way to pass a nonce: with random nonces one key must stay below 2^32
 * messages, which a per-document data key never approaches.
 */
public final class AesGcm {

    /** AES-256 key length in bytes. */
    public static final int KEY_BYTES = 32;
    /** GCM nonce length in bytes (96 bits). */
    public static final int NONCE_BYTES = 12;
    /** GCM tag length in bytes (128 bits). */
    public static final int TAG_BYTES = 16;

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** One Cipher per thread: {@code Cipher.getInstance} dominates the cost of sealing short values. */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(AesGcm::newCipher);

    private AesGcm() {
    }

    /** Encrypts {@code plaintext} under {@code key} bound to {@code aad}; returns nonce ‖ ciphertext ‖ tag. */
    public static byte[] seal(byte[] key, byte[] plaintext, byte[] aad) {
        requireKey(key);
        byte[] nonce = randomBytes(NONCE_BYTES);
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(aad);
            byte[] out = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            cipher.doFinal(plaintext, 0, plaintext.length, out, NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JDK", e);
        }
    }

    /**
     * Decrypts nonce ‖ ciphertext ‖ tag. Every failure (short input, bad tag, wrong AAD or key)
     * becomes the same {@link DecryptionFailedException}.
     */
    public static byte[] open(byte[] key, byte[] sealed, byte[] aad) throws DecryptionFailedException {
        requireKey(key);
        if (sealed.length < NONCE_BYTES + TAG_BYTES) {
            throw new DecryptionFailedException();
        }
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(TAG_BYTES * 8, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new DecryptionFailedException();
        }
    }

    /** Cryptographically strong random bytes from the shared {@link SecureRandom}. */
    public static byte[] randomBytes(int length) {
        byte[] out = new byte[length];
        RANDOM.nextBytes(out);
        return out;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JDK", e);
        }
    }

    private static void requireKey(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("AES-256-GCM needs a 32-byte key");
        }
    }
}
