package dev.gatehouse.secrets.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Unambiguous concatenation for AAD and MAC inputs: every field is written as
 * {@code uint32 big-endian length || bytes}, so no two different field lists encode to the same
 * bytes (unlike SOPS's {@code ':'}-joined paths). Each encoding starts with a domain label naming
 * its purpose and version.
 */
public final class LengthPrefixed {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    private LengthPrefixed(String domain) {
        add(domain);
    }

    /** Starts an encoding whose first field is the domain label. */
    public static LengthPrefixed domain(String domain) {
        return new LengthPrefixed(domain);
    }

    /** Appends a UTF-8 string field. */
    public LengthPrefixed add(String field) {
        return add(field.getBytes(StandardCharsets.UTF_8));
    }

    /** Appends a raw byte field. */
    public LengthPrefixed add(byte[] field) {
        writeUint32(field.length);
        out.write(field, 0, field.length);
        return this;
    }

    /** Appends a bare uint32 (used for counts), not length-prefixed. */
    public LengthPrefixed addCount(int count) {
        writeUint32(count);
        return this;
    }

    /** The encoded bytes. */
    public byte[] toBytes() {
        return out.toByteArray();
    }

    private void writeUint32(int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }
}
