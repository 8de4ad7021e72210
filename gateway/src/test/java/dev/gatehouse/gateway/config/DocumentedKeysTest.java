package dev.gatehouse.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every configuration key the documentation names in backticks ({@code audit.spoolMaxBytes},
 * {@code limits.perAddress.burst: 50}) is one the configuration accepts: a runbook that tells an
 * operator to raise a setting that does not exist fails the build.
 */
class DocumentedKeysTest {

  static final Path ROOT = Path.of("..");
  /** A backticked span starting with a dotted name, e.g. `server.listen` or `tokens.maxTtl: 7d`. */
  static final Pattern SPAN = Pattern.compile("`([a-z][A-Za-z]*(?:\\.[a-z][A-Za-z]*)+)(?:[:= ][^`]*)?`");
  /** Dotted names in the docs that are not configuration keys. */
  static final Set<String> NOT_KEYS = Set.of(
      "socketio.connect", // a Socket.IO message type in the audit trail
      "tokens.subject"); // a database column

  @Test
  void every_documented_key_exists() throws IOException {
    ConfigSchema schema = new ConfigSchema(new ObjectMapper());
    Set<String> sections = schema.sections();
    List<String> unknown = new ArrayList<>();
    int checked = 0;
    for (Path file : documents()) {
      Matcher m = SPAN.matcher(Files.readString(file));
      while (m.find()) {
        String key = m.group(1);
        if (!sections.contains(key.substring(0, key.indexOf('.'))) || NOT_KEYS.contains(key)) {
          continue;
        }
        checked++;
        if (schema.keyForPath(key).isEmpty() && !schema.isSection(key)) {
          unknown.add(ROOT.relativize(file) + ": " + key);
        }
      }
    }
    assertTrue(checked > 50, "the scan found the documented keys: " + checked);
    assertEquals(List.of(), unknown);
  }

  static List<Path> documents() throws IOException {
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    for (String dir : List.of("incident-response", "gateway", "security-checklist", "threat-model")) {
      try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
        walk.filter(p -> p.toString().endsWith(".md") && !p.toString().contains("target")).forEach(files::add);
      }
    }
    return files;
  }
}
