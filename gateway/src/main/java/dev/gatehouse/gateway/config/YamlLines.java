package dev.gatehouse.gateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.serialization.node.JsonLocationAware;
import com.networknt.schema.serialization.node.LocationJsonNodeFactoryFactory;
import com.networknt.schema.utils.JsonNodes;

/**
 * YAML trees whose nodes remember the line they were read from, so that an error about a key or
 * a route can say where it is ({@code policy.yaml, line 12}).
 */
public final class YamlLines {

  private YamlLines() {}

  /**
   * Reads {@code text} with {@code yaml} (its parser features, e.g. duplicate detection, apply).
   *
   * @throws JsonProcessingException if the text is not valid YAML
   */
  public static JsonNode read(ObjectMapper yaml, String text) throws JsonProcessingException {
    try {
      return JsonNodes.readTree(yaml, text, LocationJsonNodeFactoryFactory.getInstance());
    } catch (IllegalArgumentException e) {
      if (e.getCause() instanceof JsonProcessingException parse) {
        throw parse;
      }
      throw e;
    }
  }

  /**
   * The node a schema violation is about: an unknown key's value rather than the mapping that
   * holds it, so that the line points at the key.
   */
  public static JsonNode offending(ValidationMessage violation) {
    JsonNode node = violation.getInstanceNode();
    if ("additionalProperties".equals(violation.getType()) && node != null && node.has(violation.getProperty())) {
      return node.get(violation.getProperty());
    }
    return node;
  }

  /** {@code source, line N} for a node read by {@link #read}; just {@code source} for any other node. */
  public static String at(String source, JsonNode node) {
    if (node instanceof JsonLocationAware aware && aware.tokenLocation().getLineNr() > 0) {
      return source + ", line " + aware.tokenLocation().getLineNr();
    }
    return source;
  }
}
