package dev.gatehouse.gate.register;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The threat register and the security checklist, read as data. Reading never throws for a
 * content problem: a field of the wrong type, a duplicate id or a duplicate YAML key is recorded
 * in {@link #problems()} (each naming the entry), so the gate can report every problem at once.
 * An unreadable or unparsable file is an {@link IOException}.
 */
public record Register(Map<String, Threat> threats, Map<String, ChecklistItem> checklist, List<String> problems) {

  public static final String THREATS = "threat-model/threats.yaml";
  public static final String CHECKLIST = "security-checklist/checklist.yaml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  public Register {
    threats = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(threats));
    checklist = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checklist));
    problems = List.copyOf(problems);
  }

  /** Reads {@link #THREATS} and {@link #CHECKLIST} under {@code root}. */
  public static Register load(Path root) throws IOException {
    List<String> problems = new ArrayList<>();
    Map<String, Threat> threats = readThreats(Files.readString(root.resolve(THREATS), StandardCharsets.UTF_8),
        problems);
    Map<String, ChecklistItem> items = readChecklist(
        Files.readString(root.resolve(CHECKLIST), StandardCharsets.UTF_8), problems);
    return new Register(threats, items, problems);
  }

  /** Reads a threat register from its text; problems are added to {@code problems}. */
  public static Map<String, Threat> readThreats(String text, List<String> problems) throws IOException {
    JsonNode root = YAML.readTree(text);
    Map<String, Integer> lines = entryLines(text);
    Map<String, Threat> out = new LinkedHashMap<>();
    for (JsonNode node : list(root, "threats")) {
      String id = text(node, "id");
      if (id == null) {
        problems.add("threats.yaml: an entry has no id");
        continue;
      }
      List<Threat.Mitigation> mitigations = new ArrayList<>();
      for (JsonNode m : list(node, "mitigations")) {
        mitigations.add(new Threat.Mitigation(text(m, "text"), strings(m, "tests")));
      }
      String severityText = text(node, "severity");
      Severity severity = Severity.parse(severityText);
      if (severity == null) {
        problems.add(id + ": severity '" + severityText + "' is not critical, high, medium or low");
      }
      LocalDate expires = null;
      String expiresText = text(node, "expires");
      if (expiresText != null) {
        try {
          expires = LocalDate.parse(expiresText);
        } catch (DateTimeParseException e) {
          problems.add(id + ": expires '" + expiresText + "' is not a YYYY-MM-DD date");
        }
      }
      Threat threat = new Threat(id, text(node, "title"), severity, text(node, "status"), text(node, "owner"),
          expires, text(node, "rationale"), text(node, "planned"), mitigations, strings(node, "checklist"),
          lines.getOrDefault(id, 1));
      if (out.putIfAbsent(id, threat) != null) {
        problems.add(id + ": the id is used by more than one threat");
      }
    }
    return out;
  }

  /** Reads a checklist from its text; problems are added to {@code problems}. */
  public static Map<String, ChecklistItem> readChecklist(String text, List<String> problems) throws IOException {
    JsonNode root = YAML.readTree(text);
    Map<String, Integer> lines = entryLines(text);
    Map<String, ChecklistItem> out = new LinkedHashMap<>();
    for (JsonNode node : list(root, "items")) {
      String id = text(node, "id");
      if (id == null) {
        problems.add("checklist.yaml: an item has no id");
        continue;
      }
      JsonNode attestation = node.get("attestation");
      String statement = attestation == null ? null : text(attestation, "statement");
      if (attestation != null && statement == null) {
        problems.add(id + ": attestation without a statement");
      }
      ChecklistItem item = new ChecklistItem(id, text(node, "level"), text(node, "text"), strings(node, "checks"),
          statement, attestation == null ? List.of() : strings(attestation, "evidence"), text(node, "status"),
          text(node, "planned"), strings(node, "threats"), lines.getOrDefault(id, 1));
      if (out.putIfAbsent(id, item) != null) {
        problems.add(id + ": the id is used by more than one checklist item");
      }
    }
    return out;
  }

  private static List<JsonNode> list(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    List<JsonNode> out = new ArrayList<>();
    if (value != null && value.isArray()) {
      value.forEach(out::add);
    }
    return out;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
  }

  private static List<String> strings(JsonNode node, String field) {
    List<String> out = new ArrayList<>();
    for (JsonNode value : list(node, field)) {
      out.add(value.asText());
    }
    return out;
  }

  /** Line of each {@code - id: X} entry, for report locations. */
  private static Map<String, Integer> entryLines(String text) {
    Map<String, Integer> out = new HashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].trim();
      if (line.startsWith("- id:")) {
        out.putIfAbsent(line.substring("- id:".length()).trim(), i + 1);
      }
    }
    return out;
  }
}
