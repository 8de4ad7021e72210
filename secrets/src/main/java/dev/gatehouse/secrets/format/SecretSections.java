package dev.gatehouse.secrets.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.InvalidDocumentException;
import dev.gatehouse.secrets.SecretsException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Which values are secret, decided by schema and never by a value's shape: every leaf (string,
 * number, boolean, null; empty strings included) at any depth under {@code /settings/secrets} and
 * {@code /secrets}. Objects and arrays in those sections are walked, so their keys and lengths stay
 * readable; each leaf is addressed by its RFC 6901 JSON Pointer, array indices included.
 */
public final class SecretSections {

    /** JSON Pointers of the two secret sections. */
    public static final List<String> SECTIONS = List.of("/settings/secrets", "/secrets");

    private SecretSections() {
    }

    /** Replaces one leaf; may throw to abort the walk. */
    @FunctionalInterface
    public interface LeafVisitor {
        JsonNode visit(String pointer, JsonNode leaf) throws SecretsException;
    }

    /**
     * Visits every secret leaf of {@code document} in document order, replacing each with what the
     * visitor returns. Absent sections are skipped.
     *
     * @throws InvalidDocumentException if a present section is not a JSON object
     */
    public static void transform(ObjectNode document, LeafVisitor visitor) throws SecretsException {
        for (String section : SECTIONS) {
            JsonNode node = document.at(section);
            if (node.isMissingNode()) {
                continue;
            }
            if (!node.isObject()) {
                throw new InvalidDocumentException(section + " must be a JSON object");
            }
            walk((ObjectNode) node, section, visitor);
        }
    }

    /** Appends one reference token to a pointer, escaping {@code ~} and {@code /} (RFC 6901). */
    public static String child(String pointer, String token) {
        return pointer + "/" + token.replace("~", "~0").replace("/", "~1");
    }

    private static void walk(ObjectNode object, String pointer, LeafVisitor visitor) throws SecretsException {
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String childPointer = child(pointer, field.getKey());
            JsonNode value = field.getValue();
            if (value.isObject()) {
                walk((ObjectNode) value, childPointer, visitor);
            } else if (value.isArray()) {
                walk((ArrayNode) value, childPointer, visitor);
            } else {
                field.setValue(visitor.visit(childPointer, value));
            }
        }
    }

    private static void walk(ArrayNode array, String pointer, LeafVisitor visitor) throws SecretsException {
        for (int i = 0; i < array.size(); i++) {
            String childPointer = pointer + "/" + i;
            JsonNode value = array.get(i);
            if (value.isObject()) {
                walk((ObjectNode) value, childPointer, visitor);
            } else if (value.isArray()) {
                walk((ArrayNode) value, childPointer, visitor);
            } else {
                array.set(i, visitor.visit(childPointer, value));
            }
        }
    }
}
