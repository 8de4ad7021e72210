package dev.gatehouse.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretValueTest {

    @Test
    void toStringAndJsonNeverPrintTheValue() throws Exception {
        SecretValue value = SecretValue.ofUtf8("canary-7f3a");
        assertEquals("SecretValue[redacted]", value.toString());
        String json = new ObjectMapper().writeValueAsString(Map.of("token", value));
        assertEquals("{\"token\":\"SecretValue[redacted]\"}", json);
        assertFalse(String.valueOf(value).contains("canary"));
    }

    @Test
    void closeZeroesTheBufferAndLaterAccessThrows() {
        byte[] buffer = "canary-7f3a".getBytes(StandardCharsets.UTF_8);
        SecretValue value = SecretValue.adopt(buffer);
        value.close();
        assertArrayEquals(new byte[buffer.length], buffer);
        assertTrue(value.isClosed());
        assertThrows(IllegalStateException.class, value::copyBytes);
        assertThrows(IllegalStateException.class, value::revealUtf8);
        assertThrows(IllegalStateException.class, value::length);
    }

    @Test
    void charArraysAreEncodedWithoutAString() {
        try (SecretValue value = SecretValue.ofUtf8("clé".toCharArray())) {
            assertArrayEquals("clé".getBytes(StandardCharsets.UTF_8), value.copyBytes());
        }
    }

    @Test
    void contentEqualityComparesBytes() {
        try (SecretValue a = SecretValue.ofUtf8("same"); SecretValue b = SecretValue.ofUtf8("same");
             SecretValue c = SecretValue.ofUtf8("diff")) {
            assertTrue(a.contentEquals(b));
            assertFalse(a.contentEquals(c));
            assertFalse(a.equals(b), "equality is identity, never content");
        }
    }

    @Test
    void invalidUtf8CannotBeRevealedAsText() {
        try (SecretValue value = SecretValue.copyOf(new byte[] {(byte) 0xC3})) {
            IllegalStateException failure = assertThrows(IllegalStateException.class, value::revealUtf8);
            assertEquals("secret is not valid UTF-8", failure.getMessage());
        }
    }
}
