package dev.gatehouse.secrets.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatehouse.secrets.DecryptionFailedException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AesGcmTest {

    private final byte[] key = AesGcm.randomBytes(32);

    @Test
    void hundredThousandSealsUseHundredThousandDistinctNonces() {
        Set<ByteBuffer> nonces = new HashSet<>();
        byte[] plaintext = {1};
        for (int i = 0; i < 100_000; i++) {
            nonces.add(ByteBuffer.wrap(Arrays.copyOf(AesGcm.seal(key, plaintext, new byte[0]), AesGcm.NONCE_BYTES)));
        }
        assertEquals(100_000, nonces.size());
    }

    @Test
    void sealedLayoutIsNonceCiphertextTag() throws Exception {
        byte[] sealed = AesGcm.seal(key, new byte[5], new byte[] {9});
        assertEquals(AesGcm.NONCE_BYTES + 5 + AesGcm.TAG_BYTES, sealed.length);
        assertArrayEquals(new byte[5], AesGcm.open(key, sealed, new byte[] {9}));
    }

    @Test
    void wrongAadFails() {
        byte[] sealed = AesGcm.seal(key, new byte[5], new byte[] {9});
        assertThrows(DecryptionFailedException.class, () -> AesGcm.open(key, sealed, new byte[] {8}));
    }

    @Test
    void truncatedInputFails() {
        assertThrows(DecryptionFailedException.class, () -> AesGcm.open(key, new byte[27], new byte[0]));
    }

    @Test
    void hkdfMatchesRfc5869TestCase1() {
        HexFormat hex = HexFormat.of();
        byte[] okm = Hkdf.derive(hex.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
                hex.parseHex("000102030405060708090a0b0c"), hex.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", hex.formatHex(okm));
    }

    @Test
    void lengthPrefixingKeepsFieldBoundaries() {
        assertEquals(false, Arrays.equals(LengthPrefixed.domain("d").add("ab").add("c").toBytes(),
                LengthPrefixed.domain("d").add("a").add("bc").toBytes()));
        assertEquals("0000000164000000026869", HexFormat.of().formatHex(LengthPrefixed.domain("d").add("hi").toBytes()));
    }
}
