package dev.gatehouse.secrets.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 through the JDK, with a constant-time verify. */
public final class HmacSha256 {

    /** Tag length in bytes. */
    public static final int TAG_BYTES = 32;

    private HmacSha256() {
    }

    /** HMAC-SHA256(key, data). */
    public static byte[] compute(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JDK", e);
        }
    }

    /** Constant-time comparison of two byte strings ({@link MessageDigest#isEqual}). */
    public static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
