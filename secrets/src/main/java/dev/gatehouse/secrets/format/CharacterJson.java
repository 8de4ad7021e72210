package dev.gatehouse.secrets.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.InvalidDocumentException;
import java.io.IOException;

/**
 * The one JSON dialect for character documents: duplicate keys rejected (two {@code "id"} or two
 * copies of a secret must never be read two ways), numbers kept exact, output pretty-printed with
 * the input's key order so sealed files diff line by line.
 */
public final class CharacterJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private CharacterJson() {
    }

    /**
     * Parses a character document.
     *
     * @throws InvalidDocumentException if the bytes are not one JSON object without duplicate keys
     */
    public static ObjectNode read(byte[] json) throws InvalidDocumentException {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new InvalidDocumentException("not a JSON document (or it has duplicate keys)");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidDocumentException("a character document must be a JSON object");
        }
        return (ObjectNode) node;
    }

    /** Serializes with two-space indentation and a trailing newline. */
    public static byte[] write(JsonNode document) {
        try {
            byte[] body = MAPPER.writeValueAsBytes(document);
            byte[] out = new byte[body.length + 1];
            System.arraycopy(body, 0, out, 0, body.length);
            out[body.length] = '\n';
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("JSON tree could not be serialized", e);
        }
    }

    /** Parses one JSON number literal exactly as {@link #read} would. */
    static JsonNode readNumber(String literal) throws IOException {
        try (JsonParser parser = MAPPER.createParser(literal)) {
            JsonNode node = MAPPER.readTree(parser);
            if (node == null || !node.isNumber() || parser.nextToken() != null) {
                throw new IOException("not a number");
            }
            return node;
        }
    }

    /** Node factory matching {@link #read}. */
    static JsonNodeFactory nodes() {
        return MAPPER.getNodeFactory();
    }
}
