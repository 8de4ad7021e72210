package dev.gatehouse.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gatehouse.auditdetector.metrics.AuditMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped Grafana dashboard and Prometheus alert rules ({@code observability/}) name only
 * metrics the gateway exports, so they cannot drift from the code: the exported names come from a
 * registry holding every meter the gateway registers (its own, the audit writer's, the JVM's).
 */
class ObservabilityFilesTest {

  static final Path DIR = Path.of("..", "observability");
  private static final Pattern METRIC = Pattern.compile("\\b(?:gatehouse|jvm|process|system)_[a-z0-9_]+\\b");

  static Set<String> exported;

  @BeforeAll
  static void scrape() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (GatewayMetrics metrics = new GatewayMetrics(registry)) {
      metrics.exchange("hello", true, 200, 1_000_000);
      metrics.upstream("hello", 0, "upstream_timeout", 1_000_000);
      metrics.socketsOpen(() -> 0);
      metrics.runtimesRunning(() -> 0);
      metrics.detectorLag(() -> 0);
      new AuditMetrics(registry, "node", () -> 0, () -> 0, () -> true);
      exported = new TreeSet<>();
      for (String line : registry.scrape().split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          exported.add(line.split("[{ ]", 2)[0]);
        }
      }
    }
  }

  @Test
  void the_dashboard_names_only_exported_metrics() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DIR.resolve("grafana-dashboard.json").toFile());
    List<String> expressions = new ArrayList<>();
    dashboard.findValues("expr").forEach(e -> expressions.add(e.asText()));
    Set<String> named = metricsIn(expressions);
    assertTrue(named.size() >= 12, "the dashboard reads the gateway's meters: " + named);
    assertExported(named);
  }

  @Test
  void the_alert_rules_name_only_exported_metrics_and_existing_runbooks() throws Exception {
    JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(DIR.resolve("prometheus-alerts.yaml").toFile());
    List<String> expressions = new ArrayList<>();
    for (JsonNode group : rules.get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        expressions.add(rule.get("expr").asText());
        Path runbook = Path.of("..").resolve(rule.get("annotations").get("runbook").asText());
        assertTrue(Files.isRegularFile(runbook), rule.get("alert").asText() + " names a runbook that exists: " + runbook);
      }
    }
    Set<String> named = metricsIn(expressions);
    assertTrue(named.size() >= 10, "the alerts read the gateway's meters: " + named);
    assertExported(named);
  }

  private static Set<String> metricsIn(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String expression : expressions) {
      Matcher m = METRIC.matcher(expression);
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  private static void assertExported(Set<String> named) {
    Set<String> unknown = new TreeSet<>(named);
    unknown.removeAll(exported);
    assertEquals(Set.of(), unknown, "metrics the gateway does not export");
  }
}
