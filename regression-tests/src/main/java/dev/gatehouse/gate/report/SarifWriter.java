package dev.gatehouse.gate.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a report as SARIF 2.1.0: one run of the {@code gatehouse-gate} driver whose rules are
 * threat ids (with the register's severity as {@code security-severity} and SARIF level) or
 * gate rules; one result per finding, with a repository-relative location when known.
 */
public final class SarifWriter {

  static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SarifWriter() {}

  public static ObjectNode toSarif(GateReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", SCHEMA);
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "gatehouse-gate");
    ArrayNode rules = driver.putArray("rules");
    Map<String, ReportRule> byId = new HashMap<>();
    for (ReportRule rule : report.rules()) {
      byId.put(rule.id(), rule);
      ObjectNode r = rules.addObject();
      r.put("id", rule.id());
      r.putObject("shortDescription").put("text", rule.title() == null ? rule.id() : rule.title());
      r.putObject("defaultConfiguration").put("level", level(rule));
      if (rule.severity() != null) {
        ObjectNode props = r.putObject("properties");
        props.put("security-severity", String.valueOf(rule.severity().securitySeverity()));
        props.putArray("tags").add("security");
      }
    }
    ArrayNode results = run.putArray("results");
    for (ReportFinding finding : report.findings()) {
      ObjectNode result = results.addObject();
      result.put("ruleId", finding.ruleId());
      result.put("level", level(byId.get(finding.ruleId())));
      result.putObject("message").put("text", finding.message());
      if (finding.file() != null) {
        ObjectNode location = result.putArray("locations").addObject().putObject("physicalLocation");
        location.putObject("artifactLocation").put("uri", finding.file());
        location.putObject("region").put("startLine", Math.max(1, finding.line()));
      }
    }
    return root;
  }

  public static void write(GateReport report, Path file) throws IOException {
    JSON.writeValue(file.toFile(), toSarif(report));
  }

  private static String level(ReportRule rule) {
    return rule == null || rule.severity() == null ? "warning" : rule.severity().sarifLevel();
  }
}
