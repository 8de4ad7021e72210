package dev.gatehouse.gate.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dependency check as the build configures it (root pom: failOnError, failBuildOnCVSS 7, test
 * scope scanned, local feed), run by Maven on the canary project with a fresh database each time.
 * It must fail on the canary's known-vulnerable dependency, pass once that dependency is fixed,
 * and fail when the feed cannot be read rather than pass with no data (the fail-open trap).
 * Dependency-Check refuses Maven's offline mode, so this needs the plugin resolvable (as in CI).
 */
@Tag("T-SUP-001")
class DependencyCheckCanaryIT {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path CANARY = ROOT.resolve("regression-tests/dependency-check/canary/pom.xml");
  static final Path FEED = ROOT.resolve("regression-tests/dependency-check/feed");
  static final String CANARY_CVE = "CVE-2099-0001";

  @TempDir
  Path work;

  record Run(int exit, Path output, String log) {
    JsonNode report() throws Exception {
      return new ObjectMapper().readTree(output.resolve("dependency-check-report.json").toFile());
    }
  }

  Run check(String name, String feedUrl, String... extra) throws Exception {
    Path output = work.resolve(name);
    List<String> command = new ArrayList<>(List.of(maven(), "-B", "-f", CANARY.toString(),
        "org.owasp:dependency-check-maven:check",
        "-Dodc.feedUrl=" + feedUrl,
        "-Dodc.dataDirectory=" + work.resolve(name + "-data"),
        "-Dodc.outputDirectory=" + output,
        "-Dodc.suppressions=" + ROOT.resolve("regression-tests/dependency-check/suppressions.xml")));
    String repository = System.getProperty("maven.repo.local");
    if (repository != null && !repository.isEmpty()) {
      command.add("-Dmaven.repo.local=" + repository);
    }
    command.addAll(List.of(extra));
    Path log = work.resolve(name + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), name + ": Maven did not finish in 5 minutes");
    return new Run(process.exitValue(), output, Files.readString(log));
  }

  static String feedUrl() {
    return FEED.toUri().toString();
  }

  static String maven() {
    String home = System.getProperty("maven.home");
    String mvn = File.separatorChar == '\\' ? "mvn.cmd" : "mvn";
    return home == null || home.isEmpty() ? mvn : Path.of(home, "bin", mvn).toString();
  }

  static List<String> vulnerabilities(JsonNode report) {
    List<String> out = new ArrayList<>();
    for (JsonNode dependency : report.path("dependencies")) {
      for (JsonNode v : dependency.path("vulnerabilities")) {
        out.add(dependency.path("fileName").asText() + ":" + v.path("name").asText());
      }
    }
    return out;
  }

  @Test
  void the_known_vulnerable_canary_fails_the_build_and_its_fixed_version_passes() throws Exception {
    Run vulnerable = check("vulnerable", feedUrl());
    assertNotEquals(0, vulnerable.exit(), vulnerable.log());
    assertEquals(List.of("commons-collections-3.2.1.jar:" + CANARY_CVE), vulnerabilities(vulnerable.report()));
    assertTrue(vulnerable.log().contains("CVSS score greater than or equal to '7.0'"), vulnerable.log());
    assertEquals(Optional.empty(), VulnerabilityDataAge.refusal(vulnerable.output().resolve(
        "dependency-check-report.json"), Duration.ofDays(36500), Instant.now()), "the report states its data age");

    Run fixed = check("fixed", feedUrl(), "-Dcanary.version=3.2.2");
    assertEquals(0, fixed.exit(), fixed.log());
    assertEquals(List.of(), vulnerabilities(fixed.report()));
  }

  @Test
  void an_unreadable_feed_fails_the_build_instead_of_scanning_without_data() throws Exception {
    Run noFeed = check("no-feed", work.resolve("missing-feed").toUri().toString());
    assertNotEquals(0, noFeed.exit(), noFeed.log());
    assertTrue(Files.notExists(noFeed.output().resolve("dependency-check-report.json")),
        "no report may claim a clean scan");
  }
}
