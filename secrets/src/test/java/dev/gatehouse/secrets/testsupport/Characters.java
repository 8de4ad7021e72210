package dev.gatehouse.secrets.testsupport;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.secrets.InvalidDocumentException;
import dev.gatehouse.secrets.format.CharacterJson;
import java.nio.charset.StandardCharsets;

/** Character documents used across tests. */
public final class Characters {

    private Characters() {
    }

    /** Parses JSON text with the production dialect. */
    public static ObjectNode parse(String json) {
        try {
            return CharacterJson.read(json.getBytes(StandardCharsets.UTF_8));
        } catch (InvalidDocumentException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A character with secrets in both sections, an array and every leaf type. */
    public static ObjectNode sample(String id) {
        return parse("""
                {
                  "id": "%s",
                  "name": "Eliza",
                  "bio": ["helpful", "curious"],
                  "plugins": ["@elizaos/plugin-sql", "@elizaos/plugin-openai"],
                  "settings": {
                    "model": "gpt-4o",
                    "secrets": {
                      "OPENAI_API_KEY": "sk-test-openai",
                      "ANTHROPIC_API_KEY": "sk-ant-test",
                      "EMPTY": "",
                      "PORT": 8080,
                      "RATIO": 0.25,
                      "ENABLED": true,
                      "UNSET": null,
                      "WEBHOOKS": ["https://a.example/hook", "https://b.example/hook"],
                      "NESTED": {"inner": {"token": "t-123"}, "list": [1, {"k": "v"}]}
                    }
                  },
                  "secrets": {"DISCORD_TOKEN": "discord-test-token"}
                }
                """.formatted(id));
    }

    /** A character with {@code count} string secrets, the benchmark's shape. */
    public static ObjectNode withSecrets(String id, int count) {
        ObjectNode character = parse("{\"id\":\"" + id + "\",\"name\":\"Bench\",\"settings\":{\"secrets\":{}}}");
        ObjectNode secrets = (ObjectNode) character.at("/settings/secrets");
        for (int i = 0; i < count; i++) {
            secrets.put("SECRET_" + i, "sk-bench-" + i + "-0123456789abcdef0123456789abcdef");
        }
        return character;
    }
}
