package dev.gatehouse.auditdetector.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.serialization.node.JsonLocationAware;
import com.networknt.schema.serialization.node.LocationJsonNodeFactoryFactory;
import com.networknt.schema.utils.JsonNodes;
import dev.gatehouse.auditdetector.duration.DurationText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads rule files: YAML documents validated against {@value #SCHEMA_RESOURCE}
 * ({@code version: 1}, {@code additionalProperties: false}), then compiled into
 * {@link RuleDefinition}s. The shipped rules are {@link #SHIPPED_FILES} on the classpath;
 * operators add their own with {@link #loadDirectory(Path)}. Rule ids must be unique across
 * everything loaded together ({@link #combine}).
 */
public final class RuleLoader {

  /** Classpath location of the rule schema. */
  public static final String SCHEMA_RESOURCE = "/schema/rule.schema.json";
  /** The shipped rule files, under {@code /rules/} on the classpath. */
  public static final List<String> SHIPPED_FILES = List.of(
      "authentication.yaml", "tokens.yaml", "access.yaml", "behaviour.yaml", "integrity.yaml", "egress.yaml");

  private static final String SHIPPED_DIRECTORY = "/rules/";
  private static final Duration DEFAULT_BASELINE_MEMORY = Duration.ofDays(7);

  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
  private final JsonSchema schema;

  /** Loads the schema. */
  public RuleLoader() {
    try (InputStream in = RuleLoader.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + SCHEMA_RESOURCE);
      }
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rules shipped with Gatehouse. */
  public List<RuleDefinition> loadShipped() {
    List<List<RuleDefinition>> files = new ArrayList<>();
    for (String file : SHIPPED_FILES) {
      try (InputStream in = RuleLoader.class.getResourceAsStream(SHIPPED_DIRECTORY + file)) {
        if (in == null) {
          throw new IllegalStateException("missing shipped rule file " + file);
        }
        files.add(parse(file, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return combine(files);
  }

  /** Every {@code *.yaml} and {@code *.yml} file in {@code directory} (not recursive), in name order. */
  public List<RuleDefinition> loadDirectory(Path directory) throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(directory)) {
      files = listing.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
          .sorted(Comparator.comparing(Path::toString)).toList();
    }
    List<List<RuleDefinition>> parsed = new ArrayList<>();
    for (Path file : files) {
      parsed.add(parse(file.getFileName().toString(), Files.readString(file)));
    }
    return combine(parsed);
  }

  /**
   * Joins rule lists, rejecting a rule id that appears twice.
   *
   * @throws RuleFormatException on a duplicate id
   */
  public static List<RuleDefinition> combine(List<List<RuleDefinition>> lists) {
    Set<String> ids = new HashSet<>();
    List<RuleDefinition> all = new ArrayList<>();
    for (List<RuleDefinition> list : lists) {
      for (RuleDefinition rule : list) {
        if (!ids.add(rule.id())) {
          throw new RuleFormatException(rule.id(), "rule id defined twice");
        }
        all.add(rule);
      }
    }
    return List.copyOf(all);
  }

  /**
   * Parses one rule file.
   *
   * @param source name used in error messages
   * @throws RuleFormatException if the text is not YAML, violates the schema or names an unknown field
   */
  public List<RuleDefinition> parse(String source, String text) {
    JsonNode tree;
    try {
      tree = JsonNodes.readTree(yaml, text, LocationJsonNodeFactoryFactory.getInstance());
    } catch (IllegalArgumentException e) {
      String where = e.getCause() instanceof JsonProcessingException parse && parse.getLocation() != null
          ? " at line " + parse.getLocation().getLineNr() : "";
      throw new RuleFormatException(source, "not valid YAML" + where);
    }
    if (tree == null || tree.isMissingNode()) {
      throw new RuleFormatException(source, "empty file");
    }
    schema.validate(tree).stream()
        .min(Comparator.comparing(m -> m.getInstanceLocation().toString()))
        .ifPresent(m -> {
          JsonNode node = m.getInstanceNode();
          // An unknown key: point at the key, not at the mapping holding it.
          boolean unknown = "additionalProperties".equals(m.getType()) && node != null && node.has(m.getProperty());
          throw new RuleFormatException(at(source, unknown ? node.get(m.getProperty()) : node), describe(m));
        });
    List<RuleDefinition> rules = new ArrayList<>();
    for (JsonNode rule : tree.get("rules")) {
      try {
        rules.add(rule(rule));
      } catch (IllegalArgumentException e) {
        throw new RuleFormatException(at(source, rule), rule.get("id").asText() + ": " + e.getMessage());
      }
    }
    return combine(List.of(rules));
  }

  /** {@code source, line N} for a node read with locations. */
  private static String at(String source, JsonNode node) {
    return node instanceof JsonLocationAware aware && aware.tokenLocation().getLineNr() > 0
        ? source + ", line " + aware.tokenLocation().getLineNr() : source;
  }

  private static String describe(ValidationMessage message) {
    return message.getInstanceLocation() + " " + message.getMessage().replaceFirst("^\\S+: ", "");
  }

  private static RuleDefinition rule(JsonNode node) {
    List<EventField> entity = new ArrayList<>();
    node.get("entity").forEach(f -> entity.add(EventField.named(f.asText())));
    EventPredicate where = node.has("where") ? predicate(node.get("where")) : EventPredicate.ANY_EVENT;
    return new RuleDefinition(node.get("id").asText(), node.path("ruleVersion").asInt(1), node.get("title").asText(),
        Severity.fromWireName(node.get("severity").asText()), node.get("attack").asText(),
        node.get("runbook").asText(), node.get("falsePositives").asText(), entity, where, aggregation(node),
        responses(node));
  }

  private static List<RuleResponse> responses(JsonNode node) {
    List<RuleResponse> responses = new ArrayList<>();
    for (JsonNode response : node.path("responses")) {
      responses.add(new RuleResponse(RuleResponse.Action.fromWireName(response.get("action").asText()),
          "automatic".equals(response.get("mode").asText()),
          response.has("duration") ? duration(response, "duration") : null));
    }
    return responses;
  }

  private static Aggregation aggregation(JsonNode node) {
    if (node.has("count")) {
      JsonNode c = node.get("count");
      return new Aggregation.Count(duration(c, "window"), c.get("threshold").asLong());
    }
    if (node.has("distinct")) {
      JsonNode d = node.get("distinct");
      return new Aggregation.Distinct(field(d, "field"), duration(d, "window"), d.get("threshold").asLong());
    }
    if (node.has("sum")) {
      JsonNode s = node.get("sum");
      return new Aggregation.Sum(field(s, "field"), duration(s, "window"), s.get("threshold").asLong());
    }
    if (node.has("firstSeen")) {
      JsonNode f = node.get("firstSeen");
      Duration history = duration(f, "history");
      boolean returning = f.path("returningOnly").asBoolean(false);
      Duration remember = f.has("remember") ? duration(f, "remember") : history;
      if (remember.compareTo(history) < 0) {
        throw new IllegalArgumentException("firstSeen.remember must be at least firstSeen.history");
      }
      return new Aggregation.FirstSeen(field(f, "term"), history,
          f.has("minEntityAge") ? duration(f, "minEntityAge") : Duration.ZERO, returning, remember);
    }
    if (node.has("sequence")) {
      JsonNode s = node.get("sequence");
      List<Aggregation.Step> steps = new ArrayList<>();
      s.get("steps").forEach(step -> steps.add(
          new Aggregation.Step(predicate(step.get("where")), step.path("atLeast").asInt(1))));
      return new Aggregation.Sequence(duration(s, "window"), steps);
    }
    JsonNode a = node.get("anomaly");
    return new Aggregation.Anomaly(duration(a, "bucket"), a.get("alpha").asDouble(), a.get("warmupBuckets").asInt(),
        a.get("minRate").asLong(), a.get("minStdDev").asDouble(), a.get("zThreshold").asDouble(),
        a.has("baselineMemory") ? duration(a, "baselineMemory") : DEFAULT_BASELINE_MEMORY,
        a.has("field") ? field(a, "field") : null);
  }

  private static EventPredicate predicate(JsonNode node) {
    String op = node.fieldNames().next();
    JsonNode arg = node.get(op);
    return switch (op) {
      case "all" -> new EventPredicate.All(predicates(arg));
      case "any" -> new EventPredicate.Any(predicates(arg));
      case "not" -> new EventPredicate.Not(predicate(arg));
      case "equals" -> new EventPredicate.Equals(field(arg, "field"), arg.get("value").asText());
      case "in" -> {
        Set<String> values = new LinkedHashSet<>();
        arg.get("values").forEach(v -> values.add(v.asText()));
        yield new EventPredicate.In(field(arg, "field"), values);
      }
      case "notNull" -> new EventPredicate.NotNull(EventField.named(arg.asText()));
      case "prefix" -> new EventPredicate.Prefix(field(arg, "field"), arg.get("value").asText());
      case "sameAs" -> new EventPredicate.SameAs(field(arg, "field"), field(arg, "other"));
      default -> throw new IllegalArgumentException("unknown predicate " + op);
    };
  }

  private static List<EventPredicate> predicates(JsonNode array) {
    List<EventPredicate> parts = new ArrayList<>();
    array.forEach(p -> parts.add(predicate(p)));
    return parts;
  }

  private static EventField field(JsonNode node, String name) {
    return EventField.named(node.get(name).asText());
  }

  private static Duration duration(JsonNode node, String name) {
    try {
      return DurationText.parse(node.get(name).asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " " + e.getMessage(), e);
    }
  }
}
