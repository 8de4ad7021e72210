package dev.gatehouse.gate.secretscan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gate.secretscan.SecretScanner.Finding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * No file the repository tracks holds a secret (OSPS-BR-07.01), except the documented test
 * fixtures of {@link #ALLOWLIST}, and every allowlist entry still names a finding.
 */
class RepositorySecretScanTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path ALLOWLIST = ROOT.resolve("regression-tests/secret-scan-allowlist.txt");

  /** {@code <path> <rule id>} entries of the allowlist, comments and blank lines left out. */
  static Set<String> allowlist() throws Exception {
    Set<String> entries = new LinkedHashSet<>();
    for (String line : Files.readAllLines(ALLOWLIST, StandardCharsets.UTF_8)) {
      String entry = line.replaceFirst("#.*", "").trim();
      if (!entry.isEmpty()) {
        entries.add(entry.replaceAll("\\s+", " "));
      }
    }
    return entries;
  }

  static String entry(Finding finding) {
    return finding.path() + " " + finding.rule().id();
  }

  @Test
  void no_tracked_file_holds_a_secret_outside_the_allowlist() throws Exception {
    List<String> files = SecretScanner.trackedFiles(ROOT);
    assertTrue(files.contains("regression-tests/secret-scan-allowlist.txt"), "the scan sees this repository's files");
    Set<String> allowed = allowlist();
    List<String> reported = new ArrayList<>();
    for (Finding finding : SecretScanner.scan(ROOT, files)) {
      if (!allowed.contains(entry(finding))) {
        reported.add(finding.toString());
      }
    }
    assertEquals(List.of(), reported, "secrets in tracked files (remove them, or list a documented fixture in "
        + ROOT.relativize(ALLOWLIST) + ")");
  }

  @Test
  void every_allowlist_entry_names_a_current_finding() throws Exception {
    Set<String> found = new LinkedHashSet<>();
    for (Finding finding : SecretScanner.scan(ROOT, SecretScanner.trackedFiles(ROOT))) {
      found.add(entry(finding));
    }
    List<String> stale = new ArrayList<>(allowlist());
    stale.removeAll(found);
    assertEquals(List.of(), stale, "allowlist entries that match no finding");
  }
}
