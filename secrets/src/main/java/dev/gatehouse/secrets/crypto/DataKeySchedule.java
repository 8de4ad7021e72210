package dev.gatehouse.secrets.crypto;

import dev.gatehouse.secrets.SecretValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys derived from one data key, AWS Encryption SDK style: HKDF-SHA256 with the random data key
 * id as salt and a label per purpose as info, so the raw data key never encrypts anything itself.
 *
 * <pre>
 * value_key  = HKDF(ikm = data key, salt = data key id, info = label + " value key",      32)
 * mac_key    = HKDF(ikm = data key, salt = data key id, info = label + " mac key",        32)
 * commitment = HKDF(ikm = data key, salt = data key id, info = label + " key commitment", 32)
 * </pre>
 * The commitment is stored in the clear and compared in constant time before anything is
 * decrypted, so a header can never open under two different data keys.
 */
public final class DataKeySchedule implements AutoCloseable {

    /** Length of the random data key id in bytes. */
    public static final int DATA_KEY_ID_BYTES = 16;
    /** Length of the commitment in bytes. */
    public static final int COMMITMENT_BYTES = 32;

    private final byte[] valueKey;
    private final byte[] macKey;
    private final byte[] commitment;

    private DataKeySchedule(byte[] valueKey, byte[] macKey, byte[] commitment) {
        this.valueKey = valueKey;
        this.macKey = macKey;
        this.commitment = commitment;
    }

    /** Derives the schedule for {@code dataKey} under the format {@code label}. */
    public static DataKeySchedule derive(String label, SecretValue dataKey, byte[] dataKeyId) {
        byte[] ikm = dataKey.copyBytes();
        try {
            return new DataKeySchedule(
                    Hkdf.derive(ikm, dataKeyId, info(label, " value key"), AesGcm.KEY_BYTES),
                    Hkdf.derive(ikm, dataKeyId, info(label, " mac key"), HmacSha256.TAG_BYTES),
                    Hkdf.derive(ikm, dataKeyId, info(label, " key commitment"), COMMITMENT_BYTES));
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    /** Key for the per-value AES-256-GCM. */
    public byte[] valueKey() {
        return valueKey;
    }

    /** Key for the document MAC. */
    public byte[] macKey() {
        return macKey;
    }

    /** Public commitment to the data key. */
    public byte[] commitment() {
        return commitment.clone();
    }

    /** Constant-time check of a stored commitment. */
    public boolean commitsTo(byte[] storedCommitment) {
        return HmacSha256.constantTimeEquals(commitment, storedCommitment);
    }

    @Override
    public void close() {
        Arrays.fill(valueKey, (byte) 0);
        Arrays.fill(macKey, (byte) 0);
    }

    private static byte[] info(String label, String purpose) {
        return (label + purpose).getBytes(StandardCharsets.UTF_8);
    }
}
