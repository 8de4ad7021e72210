package dev.gatehouse.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configuration schema ({@code schema/gatehouse-config.schema.json}): validates a merged
 * configuration tree and lists every settable key with its environment variable name.
 */
final class ConfigSchema {

  static final String RESOURCE = "/schema/gatehouse-config.schema.json";

  /** A settable leaf key, e.g. {@code upstream.connectTimeout} of JSON type string. */
  record Key(String path, String type) {

    /** {@code upstream.connectTimeout} → {@code GATEHOUSE_UPSTREAM_CONNECT_TIMEOUT}. */
    String envName() {
      return ConfigLoader.ENV_PREFIX
          + path.replace('.', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
    }
  }

  private final JsonNode raw;
  private final JsonSchema schema;
  private final Map<String, Key> keysByEnvName = new LinkedHashMap<>();
  private final Map<String, Key> keysByPath = new LinkedHashMap<>();
  /** Object-valued keys, such as {@code limits} and {@code limits.perAddress}. */
  private final Set<String> sectionPaths = new LinkedHashSet<>();

  ConfigSchema(ObjectMapper json) {
    try (InputStream in = ConfigSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + RESOURCE);
      }
      raw = json.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(raw);
    collectKeys("", raw);
  }

  Optional<Key> keyForEnv(String envName) {
    return Optional.ofNullable(keysByEnvName.get(envName));
  }

  Optional<Key> keyForPath(String path) {
    return Optional.ofNullable(keysByPath.get(path));
  }

  /** Whether {@code path} names a group of keys, such as {@code sessions.oidc}. */
  boolean isSection(String path) {
    return sectionPaths.contains(path);
  }

  /** The top-level names: the sections ({@code server}, ...) and top-level keys ({@code dataDir}). */
  Set<String> sections() {
    Set<String> top = new LinkedHashSet<>();
    raw.path("properties").fieldNames().forEachRemaining(top::add);
    return top;
  }

  /** Validates the tree; throws the first problem in document order as a {@link ConfigException}. */
  void validate(JsonNode config, Map<String, String> sources) {
    schema.validate(config).stream()
        .min(Comparator.comparing(m -> m.getInstanceLocation().toString()))
        .ifPresent(m -> {
          throw describe(m, sources);
        });
  }

  private ConfigException describe(ValidationMessage m, Map<String, String> sources) {
    String at = m.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
    String type = m.getType();
    if ("additionalProperties".equals(type)) {
      String unknown = at.isEmpty() ? m.getProperty() : at + "." + m.getProperty();
      return new ConfigException(unknown, "unknown key" + from(unknown, sources));
    }
    String problem = switch (type) {
      case "type" -> "must be " + article(m.getArguments()[1].toString());
      case "pattern" -> patternProblem(m);
      case "minimum", "maximum" -> "must be between " + bound(at, "minimum") + " and " + bound(at, "maximum");
      case "minLength" -> "must not be empty";
      case "enum" -> "must be one of " + allowed(at);
      default -> "is invalid (" + type + ")";
    };
    return new ConfigException(at, problem + from(at, sources));
  }

  private String patternProblem(ValidationMessage m) {
    String location = m.getSchemaLocation().toString();
    if (location.contains("listen")) {
      return "must be host:port";
    }
    return "has an invalid format";
  }

  private String bound(String path, String which) {
    JsonNode node = raw;
    for (String part : path.split("\\.")) {
      node = node.path("properties").path(part);
    }
    return node.path(which).asText("?");
  }

  private String allowed(String path) {
    JsonNode node = raw;
    for (String part : path.split("\\.")) {
      node = node.path("properties").path(part);
    }
    return node.path("enum").toString().replace("\"", "").replace(",", ", ");
  }

  private static String article(String type) {
    return ("integer".equals(type) || "object".equals(type) ? "an " : "a ") + type;
  }

  static String from(String key, Map<String, String> sources) {
    String source = sources.get(key);
    return source == null ? "" : " (from " + source + ")";
  }

  private void collectKeys(String prefix, JsonNode node) {
    JsonNode properties = node.path("properties");
    for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode child = resolve(e.getValue());
      if ("object".equals(child.path("type").asText())) {
        sectionPaths.add(path);
        collectKeys(path, child);
      } else {
        Key key = new Key(path, child.path("type").asText("string"));
        keysByEnvName.put(key.envName(), key);
        keysByPath.put(path, key);
      }
    }
  }

  private JsonNode resolve(JsonNode node) {
    String ref = node.path("$ref").asText("");
    if (ref.startsWith("#/$defs/")) {
      return raw.path("$defs").path(ref.substring("#/$defs/".length()));
    }
    return node;
  }
}
