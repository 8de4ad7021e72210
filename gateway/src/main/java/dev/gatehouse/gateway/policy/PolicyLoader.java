package dev.gatehouse.gateway.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
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
import dev.gatehouse.gateway.config.YamlLines;
import dev.gatehouse.gateway.ownership.ResourceKind;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a route policy from YAML, validates it against {@value #SCHEMA_RESOURCE} (unknown keys
 * refused) and then checks what a schema cannot: template syntax, unique ids, scopes only on
 * allow routes, and no two routes that could match one request with equal specificity. The
 * first problem is thrown as a {@link PolicyException} naming the file, the line and the route.
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
 * Allow routes may add workspace isolation rules ({@link Isolation}):
 * <pre>{@code
 *     bind: {agentId: agent}            # every {param} is bound, or listed in within
 *     within: {filename: agentId}       # a name inside a bound resource
 *     query: {bind: {roomId: room}, identity: [userId]}
 *     body: {bind: {/channel_id: channel}, identity: [/author_id], fill: [/message_server_id],
 *            refuse: [/characterPath], require: [/agentId], character: [/characterJson],
 *            plugins: [/characterJson/plugins]}
 *     response: {lists: [{at: /data/agents, kind: agent, id: /id}], record: [{at: /data/id, kind: agent}],
 *                remove: [/stats]}
 * }</pre>
 * The loader refuses isolation rules on deny and public routes, a binding of a parameter the
 * path does not have, a {@code within} that does not name a bound parameter, and body rules on a
 * route whose only methods carry no body. A path parameter without a binding is not checked:
 * the shipped elizaOS policy binds every one (its tests fail otherwise).
 */
public final class PolicyLoader {

  public static final String SCHEMA_RESOURCE = "/schema/policy.schema.json";
  /** The policy used when none is configured. */
  public static final String DEFAULT_RESOURCE = "/policies/elizaos-1.7.yaml";

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
      return parse("elizaos-1.7.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RoutePolicy parse(String source, String text) {
    JsonNode tree;
    try {
      tree = YamlLines.read(yaml, text);
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
          throw new PolicyException(YamlLines.at(source, YamlLines.offending(m)), describe(m, tree));
        });
    List<Route> routes = new ArrayList<>();
    Map<String, Route> ids = new HashMap<>();
    for (JsonNode node : tree.get("routes")) {
      String at = YamlLines.at(source, node);
      Route route = route(at, node);
      if (ids.putIfAbsent(route.id(), route) != null) {
        throw new PolicyException(at, "route " + route.id() + ": id is used by more than one route");
      }
      for (Route earlier : routes) {
        checkNotAmbiguous(at, earlier, route);
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
    Isolation isolation = isolation(source, id, node, path, action, methods);
    boolean websocket = node.path("websocket").asBoolean(false);
    if (websocket && (node.has("body") || node.has("response"))) {
      throw new PolicyException(source, "route " + id + ": a websocket route cannot have body or response rules"
          + " (a WebSocket stream is not inspected)");
    }
    return new Route(id, methods, path, scopes, action, isolation, websocket);
  }

  private static final Set<String> ISOLATION_KEYS = Set.of("bind", "within", "query", "body", "response");
  private static final Set<String> BODYLESS = Set.of("GET", "HEAD", "DELETE", "OPTIONS");

  private static Isolation isolation(String source, String id, JsonNode node, PathTemplate path, RouteAction action,
      Set<String> methods) {
    boolean any = ISOLATION_KEYS.stream().anyMatch(node::has);
    if (action != RouteAction.ALLOW) {
      if (any) {
        throw new PolicyException(source, "route " + id + ": bind, within, query, body and response apply only to action allow");
      }
      return Isolation.NONE;
    }
    Map<String, Set<ResourceKind>> bound = new LinkedHashMap<>();
    node.path("bind").fields().forEachRemaining(e -> bound.put(e.getKey(), kinds(e.getValue())));
    Map<String, String> within = new LinkedHashMap<>();
    node.path("within").fields().forEachRemaining(e -> within.put(e.getKey(), e.getValue().asText()));
    List<String> parameters = path.parameters();
    for (String name : bound.keySet()) {
      if (!parameters.contains(name)) {
        throw new PolicyException(source, "route " + id + ": bind names {" + name + "}, which the path does not have");
      }
    }
    for (Map.Entry<String, String> e : within.entrySet()) {
      if (!parameters.contains(e.getKey()) || !bound.containsKey(e.getValue()) || bound.containsKey(e.getKey())) {
        throw new PolicyException(source, "route " + id + ": within {" + e.getKey() + "} must name an unbound path"
            + " parameter inside a bound one");
      }
    }
    JsonNode query = node.path("query");
    Map<String, Set<ResourceKind>> queryBound = new LinkedHashMap<>();
    query.path("bind").fields().forEachRemaining(e -> queryBound.put(e.getKey(), kinds(e.getValue())));
    Set<String> queryIdentity = new LinkedHashSet<>();
    query.path("identity").forEach(n -> queryIdentity.add(n.asText()));
    Optional<Isolation.Body> body = Optional.empty();
    if (node.has("body")) {
      if (BODYLESS.containsAll(methods)) {
        throw new PolicyException(source, "route " + id + ": body rules on a route whose methods carry no body");
      }
      JsonNode b = node.get("body");
      Map<JsonPointer, Set<ResourceKind>> bodyBound = new LinkedHashMap<>();
      b.path("bind").fields().forEachRemaining(e -> bodyBound.put(JsonPointer.compile(e.getKey()), kinds(e.getValue())));
      body = Optional.of(new Isolation.Body(bodyBound, pointers(b.path("identity")), pointers(b.path("fill")),
          pointers(b.path("refuse")), pointers(b.path("require")), pointers(b.path("character")),
          pointers(b.path("plugins")), pointers(b.path("secrets"))));
    }
    JsonNode r = node.path("response");
    List<Isolation.ListRule> lists = new ArrayList<>();
    r.path("lists").forEach(l -> lists.add(new Isolation.ListRule(JsonPointer.compile(l.get("at").asText()),
        kinds(l.get("kind")), l.has("id") ? Optional.of(JsonPointer.compile(l.get("id").asText())) : Optional.empty(),
        l.has("adopt") ? Optional.of(new Isolation.Adopt(JsonPointer.compile(l.get("adopt").get("parent").asText()),
            kinds(l.get("adopt").get("kind")))) : Optional.empty())));
    List<Isolation.RecordRule> records = new ArrayList<>();
    r.path("record").forEach(rec -> records.add(new Isolation.RecordRule(JsonPointer.compile(rec.get("at").asText()),
        ResourceKind.fromKey(rec.get("kind").asText()).orElseThrow())));
    Isolation.Response response = new Isolation.Response(lists, records, pointers(r.path("remove")));
    return new Isolation(bound, within, queryBound, queryIdentity, body, response);
  }

  /** A kind or a list of kinds; the schema already limited them to known kind names. */
  private static Set<ResourceKind> kinds(JsonNode node) {
    Set<ResourceKind> out = new LinkedHashSet<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(ResourceKind.fromKey(n.asText()).orElseThrow()));
    } else {
      out.add(ResourceKind.fromKey(node.asText()).orElseThrow());
    }
    return out;
  }

  private static List<JsonPointer> pointers(JsonNode node) {
    List<JsonPointer> out = new ArrayList<>();
    node.forEach(n -> out.add(JsonPointer.compile(n.asText())));
    return out;
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
