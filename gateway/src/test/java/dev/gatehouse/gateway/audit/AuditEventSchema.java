package dev.gatehouse.gateway.audit;

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

/** The published audit event schema (from the audit library's jar), with format assertions on. */
final class AuditEventSchema {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
      .getSchema(read(), SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());

  private AuditEventSchema() {}

  /** Validation errors of one JSON document (empty when valid). */
  static Set<ValidationMessage> errors(String json) {
    try {
      return SCHEMA.validate(MAPPER.readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read() {
    try (InputStream in = AuditEventSchema.class.getResourceAsStream("/schema/audit-event.schema.json")) {
      if (in == null) {
        throw new IllegalStateException("audit-event.schema.json is not on the classpath");
      }
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
