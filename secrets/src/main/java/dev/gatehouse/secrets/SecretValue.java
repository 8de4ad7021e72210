package dev.gatehouse.secrets;

import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Holder for one secret (an API key, a data key, a private JWK...) as bytes.
 *
 * <h3>Guarantees</h3>
 * <ul>
 *   <li>{@link #toString()} and Jackson serialization print {@value #REDACTED}, never the value.</li>
 *   <li>{@link #close()} overwrites the internal buffer with zeros; every access after that throws
 *       {@link IllegalStateException}.</li>
 *   <li>{@link #contentEquals(SecretValue)} runs in time independent of where the contents differ.</li>
 *   <li>{@code equals}/{@code hashCode} are identity based, so a value never leaks through a hash.</li>
 * </ul>
 *
 * <h3>Residual exposure</h3>
 * Copies made by {@link #copyBytes()} belong to the caller, who must zero them. {@link #revealUtf8()}
 * creates a {@link String}, which the JVM cannot wipe; call it only at the last hop (a process
 * environment, an HTTP body). The JDK's {@code SecretKeySpec} keeps its own copy of key bytes that
 * cannot be destroyed on JDK 17, so keys handed to JCE outlive this holder until collected.
 */
public final class SecretValue implements AutoCloseable {

    /** What {@link #toString()} and JSON serialization print instead of the value. */
    public static final String REDACTED = "SecretValue[redacted]";

    private final byte[] bytes;
    private boolean closed;

    private SecretValue(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Copies {@code source}; the caller keeps ownership of (and should zero) its array. */
    public static SecretValue copyOf(byte[] source) {
        return new SecretValue(source.clone());
    }

    /** Takes ownership of {@code source} without copying it: the array is zeroed on {@link #close()}. */
    public static SecretValue adopt(byte[] source) {
        return new SecretValue(source);
    }

    /** Encodes {@code chars} as UTF-8 without creating an intermediate {@link String}. */
    public static SecretValue ofUtf8(char[] chars) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] out = new byte[encoded.remaining()];
        encoded.get(out);
        Arrays.fill(encoded.array(), (byte) 0);
        return new SecretValue(out);
    }

    /** Encodes a string that already exists (for example an environment variable) as UTF-8. */
    public static SecretValue ofUtf8(String value) {
        return new SecretValue(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Number of bytes held. */
    public synchronized int length() {
        ensureOpen();
        return bytes.length;
    }

    /** Returns a copy of the bytes; the caller must zero it when done. */
    public synchronized byte[] copyBytes() {
        ensureOpen();
        return bytes.clone();
    }

    /**
     * Decodes the bytes as strict UTF-8 into a new {@link String}, which cannot be wiped.
     *
     * @throws IllegalStateException if closed or if the bytes are not valid UTF-8
     */
    public synchronized String revealUtf8() {
        ensureOpen();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("secret is not valid UTF-8");
        }
    }

    /** Constant-time comparison of the contents of two open holders. */
    public boolean contentEquals(SecretValue other) {
        byte[] mine = copyBytes();
        byte[] theirs = other.copyBytes();
        try {
            return MessageDigest.isEqual(mine, theirs);
        } finally {
            Arrays.fill(mine, (byte) 0);
            Arrays.fill(theirs, (byte) 0);
        }
    }

    /** Whether {@link #close()} has run. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Zeroes the buffer. Idempotent. */
    @Override
    public synchronized void close() {
        Arrays.fill(bytes, (byte) 0);
        closed = true;
    }

    @JsonValue
    @Override
    public String toString() {
        return REDACTED;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("secret value is closed");
        }
    }
}
