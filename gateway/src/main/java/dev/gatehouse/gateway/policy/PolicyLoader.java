package dev.gatehouse.gateway.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.gatehouse.gateway.canonical.RequestCanonicalizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a route policy from YAML, validates it against {@value #SCHEMA_RESOURCE} (unknown keys
 * refused) and then checks what a schema cannot: template syntax, unique ids, scopes only on
 * allow routes, and no two routes that could match one request with equal specificity. The
 * first problem is thrown as a {@link PolicyException} naming the file and the route.
 *
 * <h3>Format</h3>
 * <pre>{@code
 * version: 1
 * routes:
 *   - id: agents-get                  # unique, [a-z0-9._-]
 *     methods: [GET]                  # GET HEAD POST PUT PATCH DELETE OPTIONS, or "*"
 *     path: /api/agents/{agentId}     # literals, {params}, optional trailing /**
 *     scopes: [agents:read]           # all required (allow only)
 *     action: allow                   # allow | deny | public
 * }</pre>
 * Later versions add per-route keys (workspace bindings of path parameters and body fields,
 * identity fields, list filtering); until then such keys are unknown and refused, so a policy
 * relying on them cannot be loaded by a gateway that would ignore them.
 */
public final class PolicyLoader {

  public static final String SCHEMA_RESOURCE = "/schema/policy.schema.json";
  /** The policy used when none is configured. */
  public static final String DEFAULT_RESOURCE = "/policies/default.yaml";

  private final ObjectMapper yaml = new ObjectMapper(
      new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));
  private final JsonSchema schema;

  public PolicyLoader() {
    try (InputStream in = PolicyLoader.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + SCHEMA_RESOURCE);
      }
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads a policy file; the error names the file by its name only. */
  public RoutePolicy load(Path file) {
    String name = file.getFileName().toString();
    try {
      return parse(name, Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new PolicyException(name, "file not found");
    } catch (IOException e) {
      throw new PolicyException(name, "cannot be read");
    }
  }

  /** Loads the built-in {@value #DEFAULT_RESOURCE}. */
  public RoutePolicy loadDefault() {
    try (InputStream in = PolicyLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + DEFAULT_RESOURCE);
      }
      return parse("default.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RoutePolicy parse(String source, String text) {
    JsonNode tree;
    try {
      tree = yaml.readTree(text);
    } catch (JsonProcessingException e) {
      var where = e.getLocation();
      String at = where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
      throw new PolicyException(source, "not valid YAML (or a duplicate key)" + at);
    }
    if (tree == null || tree.isMissingNode() || !tree.isObject()) {
      throw new PolicyException(source, "must be a YAML mapping with version and routes");
    }
    schema.validate(tree).stream()
        .min(Comparator.comparing(ValidationMessage::getInstanceLocation))
        .ifPresent(m -> {
          throw new PolicyException(source, describe(m, tree));
        });
    List<Route> routes = new ArrayList<>();
    Map<String, Route> ids = new HashMap<>();
    for (JsonNode node : tree.get("routes")) {
      Route route = route(source, node);
      if (ids.putIfAbsent(route.id(), route) != null) {
        throw new PolicyException(source, "route " + route.id() + ": id is used by more than one route");
      }
      for (Route earlier : routes) {
        checkNotAmbiguous(source, earlier, route);
      }
      routes.add(route);
    }
    return new RoutePolicy(routes);
  }

  private static Route route(String source, JsonNode node) {
    String id = node.get("id").asText();
    PathTemplate path;
    try {
      path = PathTemplate.parse(node.get("path").asText());
    } catch (IllegalArgumentException e) {
      throw new PolicyException(source, "route " + id + ": path " + e.getMessage());
    }
    RouteAction action = RouteAction.valueOf(node.get("action").asText().toUpperCase(Locale.ROOT));
    Set<String> scopes = new LinkedHashSet<>();
    node.path("scopes").forEach(s -> scopes.add(s.asText()));
    if (!scopes.isEmpty() && action != RouteAction.ALLOW) {
      throw new PolicyException(source, "route " + id + ": scopes apply only to action allow");
    }
    Set<String> methods = new LinkedHashSet<>();
    for (JsonNode m : node.get("methods")) {
      String method = m.asText();
      if (method.equals("*")) {
        methods.addAll(RequestCanonicalizer.METHODS);
      } else {
        methods.add(method);
        if (method.equals("GET")) {
          methods.add("HEAD");
        }
      }
    }
    return new Route(id, methods, path, scopes, action);
  }

  private static void checkNotAmbiguous(String source, Route earlier, Route route) {
    if (!earlier.path().shape().equals(route.path().shape())) {
      return;
    }
    route.methods().stream().filter(earlier.methods()::contains).sorted().findFirst().ifPresent(method -> {
      throw new PolicyException(source, "route " + route.id() + ": ambiguous with route " + earlier.id()
          + " (both match " + method + " " + route.path().shape() + ")");
    });
  }

  /** One line for a schema violation: which route (by id when it has one), which key, what is wrong. */
  private static String describe(ValidationMessage m, JsonNode tree) {
    JsonNodePath at = m.getInstanceLocation();
    String route = null;
    String key = null;
    int first = 0;
    if (at.getNameCount() >= 2 && "routes".equals(at.getElement(0)) && at.getElement(1) instanceof Integer index) {
      JsonNode id = tree.path("routes").path(index).path("id");
      route = id.isTextual() && !id.asText().isBlank() ? id.asText() : "#" + (index + 1);
      first = 2;
    }
    if (at.getNameCount() > first) {
      key = String.valueOf(at.getElement(first));
    }
    String prefix = route == null ? "" : "route " + route + ": ";
    String problem = switch (m.getType()) {
      case "additionalProperties" -> "unknown key '" + m.getProperty() + "'";
      case "required" -> "missing key '" + m.getProperty() + "'";
      case "enum" -> key + " must be one of " + m.getSchemaNode().toString().replace("\"", "");
      case "const" -> key + " must be " + m.getSchemaNode().toString();
      case "type" -> (key == null ? "value" : key) + " must be " + m.getArguments()[1];
      case "pattern" -> key + " has an invalid format";
      case "minItems" -> key + " must not be empty";
      case "uniqueItems" -> key + " lists an entry twice";
      case "maxLength" -> key + " is too long";
      default -> (key == null ? "value" : key) + " is invalid (" + m.getType() + ")";
    };
    return prefix + problem;
  }
}
