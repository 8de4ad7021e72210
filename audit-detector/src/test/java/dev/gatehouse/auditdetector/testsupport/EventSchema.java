package dev.gatehouse.auditdetector.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/** The published audit event schema, loaded from the main resources, with format assertions on. */
public final class EventSchema {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNode NODE = read();
  private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
      .getSchema(NODE, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());

  private EventSchema() {
  }

  /** Validation errors of one JSON document (empty when valid). */
  public static Set<ValidationMessage> errors(String json) {
    try {
      return SCHEMA.validate(MAPPER.readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The schema document itself. */
  public static JsonNode document() {
    return NODE;
  }

  private static JsonNode read() {
    try (InputStream in = EventSchema.class.getResourceAsStream("/schema/audit-event.schema.json")) {
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
