package dev.gatehouse.secrets.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.secrets.DecryptionFailedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Plaintext of one sealed leaf: a one-byte JSON type tag, then the payload, so every JSON type
 * round-trips exactly.
 *
 * <pre>
 * 's' (0x73) + UTF-8 bytes of the string      (an empty string is the single byte 's')
 * 'n' (0x6E) + the JSON number literal, ASCII
 * 't' (0x74)                                  true
 * 'f' (0x66)                                  false
 * 'z' (0x7A)                                  null
 * </pre>
 */
final class LeafEncoding {

    static final byte STRING = 's';
    static final byte NUMBER = 'n';
    static final byte TRUE = 't';
    static final byte FALSE = 'f';
    static final byte NULL = 'z';

    private LeafEncoding() {
    }

    static byte[] encode(JsonNode leaf) {
        if (leaf.isTextual()) {
            return tagged(STRING, leaf.textValue().getBytes(StandardCharsets.UTF_8));
        }
        if (leaf.isNumber()) {
            return tagged(NUMBER, leaf.asText().getBytes(StandardCharsets.US_ASCII));
        }
        if (leaf.isBoolean()) {
            return new byte[] {leaf.booleanValue() ? TRUE : FALSE};
        }
        if (leaf.isNull()) {
            return new byte[] {NULL};
        }
        throw new IllegalArgumentException("not a JSON leaf: " + leaf.getNodeType());
    }

    static JsonNode decode(byte[] plaintext) throws DecryptionFailedException {
        if (plaintext.length == 0) {
            throw new DecryptionFailedException();
        }
        byte tag = plaintext[0];
        ByteBuffer payload = ByteBuffer.wrap(plaintext, 1, plaintext.length - 1);
        try {
            switch (tag) {
                case STRING:
                    return CharacterJson.nodes().textNode(strictUtf8(payload));
                case NUMBER:
                    return CharacterJson.readNumber(StandardCharsets.US_ASCII.decode(payload).toString());
                case TRUE:
                case FALSE:
                case NULL:
                    if (payload.hasRemaining()) {
                        throw new DecryptionFailedException();
                    }
                    return tag == NULL ? CharacterJson.nodes().nullNode() : CharacterJson.nodes().booleanNode(tag == TRUE);
                default:
                    throw new DecryptionFailedException();
            }
        } catch (IOException e) {
            throw new DecryptionFailedException();
        }
    }

    private static String strictUtf8(ByteBuffer bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(bytes)
                .toString();
    }

    private static byte[] tagged(byte tag, byte[] payload) {
        byte[] out = new byte[payload.length + 1];
        out[0] = tag;
        System.arraycopy(payload, 0, out, 1, payload.length);
        return out;
    }
}
