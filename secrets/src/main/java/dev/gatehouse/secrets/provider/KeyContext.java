package dev.gatehouse.secrets.provider;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a wrapped data key is bound to: Transit's derived-key {@code context}, and the local
 * keyring's HKDF info. The two namespaces are disjoint so a character's data key can never be
 * presented as a blob's or the other way round.
 *
 * @param value {@code character:<id>} or {@code blob:<name>}
 */
public record KeyContext(String value) {

    /** Prefix of character contexts. */
    public static final String CHARACTER_PREFIX = "character:";
    /** Prefix of standalone blob contexts. */
    public static final String BLOB_PREFIX = "blob:";

    public KeyContext {
        Objects.requireNonNull(value, "value");
        if (!value.startsWith(CHARACTER_PREFIX) && !value.startsWith(BLOB_PREFIX)) {
            throw new IllegalArgumentException("context must start with character: or blob:");
        }
    }

    /** Context of a character document. */
    public static KeyContext forCharacter(String characterId) {
        return new KeyContext(CHARACTER_PREFIX + characterId);
    }

    /** Context of a standalone sealed blob. */
    public static KeyContext forBlob(String name) {
        return new KeyContext(BLOB_PREFIX + name);
    }

    /** UTF-8 bytes, as sent to the provider. */
    public byte[] bytes() {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
