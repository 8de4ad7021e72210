package dev.gatehouse.gate.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each shipped jar has a CycloneDX SBOM written by {@code mvn package}, and the SBOM lists every
 * artifact bundled into the jar. The jar is the independent witness: each
 * {@code META-INF/maven/<group>/<artifact>/pom.properties} it carries is an artifact that ships.
 * An artifact that a dependency embeds inside its own jar (netty-common's JCTools, nimbus-jose-jwt's
 * Gson) is not a Maven dependency; it counts as listed when the listed dependency's own jar carries it.
 */
@Tag("T-SUP-003")
class SbomIT {

  static final Pattern POM_PROPERTIES = Pattern.compile("META-INF/maven/([^/]+)/([^/]+)/pom\\.properties");

  @ParameterizedTest(name = "{0}")
  @CsvSource({"gateway, gatehouse-gateway, gatehouse.jar", "regression-tests, gatehouse-regression-tests, gatehouse-gate.jar"})
  void the_sbom_of_a_shipped_jar_lists_every_artifact_bundled_into_it(String module, String artifactId, String jar)
      throws Exception {
    Path target = Path.of("..", module, "target");
    JsonNode bom = new ObjectMapper().readTree(target.resolve("bom.json").toFile());
    assertEquals("CycloneDX", bom.path("bomFormat").asText());
    assertEquals(artifactId, bom.path("metadata").path("component").path("name").asText());

    Set<String> listed = new LinkedHashSet<>();
    for (JsonNode component : bom.path("components")) {
      listed.add(component.path("group").asText() + ":" + component.path("name").asText() + ":"
          + component.path("version").asText());
    }
    assertTrue(listed.stream().noneMatch(c -> c.startsWith("org.junit")), "test-scope dependencies are not shipped");

    Set<String> bundled = bundledArtifacts(target.resolve(jar));
    bundled.remove("dev.gatehouse:" + artifactId + ":" + bom.path("metadata").path("component").path("version").asText());
    assertTrue(bundled.size() >= 5, "the jar bundles its dependencies: " + bundled);

    List<String> unlisted = new ArrayList<>();
    for (String artifact : bundled) {
      if (!listed.contains(artifact) && !embeddedInAListedJar(artifact, listed)) {
        unlisted.add(artifact);
      }
    }
    assertEquals(List.of(), unlisted, "bundled into " + jar + " but missing from its SBOM");
  }

  /** group:artifact:version of every pom.properties in the jar. */
  static Set<String> bundledArtifacts(Path jar) throws IOException {
    Set<String> artifacts = new LinkedHashSet<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (ZipEntry entry : zip.stream().toList()) {
        Matcher m = POM_PROPERTIES.matcher(entry.getName());
        if (m.matches()) {
          Properties p = properties(zip, entry);
          artifacts.add(p.getProperty("groupId", m.group(1)) + ":" + p.getProperty("artifactId", m.group(2)) + ":"
              + p.getProperty("version"));
        }
      }
    }
    return artifacts;
  }

  /** True when the local-repository jar of one listed component carries the artifact's pom.properties. */
  static boolean embeddedInAListedJar(String artifact, Set<String> listed) throws IOException {
    String repo = System.getProperty("maven.repo.local");
    assertNotNull(repo, "failsafe passes maven.repo.local");
    String[] gav = artifact.split(":");
    String entryName = "META-INF/maven/" + gav[0] + "/" + gav[1] + "/pom.properties";
    for (String component : listed) {
      String[] c = component.split(":");
      Path file = Path.of(repo, c[0].replace('.', '/'), c[1], c[2], c[1] + "-" + c[2] + ".jar");
      if (!Files.isRegularFile(file)) {
        continue;
      }
      try (ZipFile zip = new ZipFile(file.toFile())) {
        ZipEntry entry = zip.getEntry(entryName);
        if (entry != null && gav[2].equals(properties(zip, entry).getProperty("version"))) {
          return true;
        }
      }
    }
    return false;
  }

  static Properties properties(ZipFile zip, ZipEntry entry) throws IOException {
    Properties p = new Properties();
    try (InputStream in = zip.getInputStream(entry)) {
      p.load(in);
    }
    return p;
  }
}
