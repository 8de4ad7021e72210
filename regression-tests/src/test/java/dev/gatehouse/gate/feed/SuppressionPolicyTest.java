package dev.gatehouse.gate.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Suppressions carry an expiry at most 90 days ahead and notes; the committed file follows the rule. */
@Tag("T-SUP-001")
class SuppressionPolicyTest {

  static final LocalDate TODAY = LocalDate.of(2026, 11, 21);
  static final String NS = "https://jeremylong.github.io/DependencyCheck/dependency-suppression.1.3.xsd";

  @TempDir
  Path dir;

  Path file(String rules) throws Exception {
    Path f = dir.resolve("suppressions.xml");
    Files.writeString(f, "<?xml version=\"1.0\"?><suppressions xmlns=\"" + NS + "\">" + rules + "</suppressions>");
    return f;
  }

  @Test
  void a_rule_with_a_near_expiry_and_notes_is_accepted() throws Exception {
    assertEquals(List.of(), SuppressionPolicy.problems(file("<suppress until=\"2027-02-19Z\"><notes>Not reachable: "
        + "we never deserialize.</notes><packageUrl regex=\"true\">^pkg:maven/x/y@.*$</packageUrl>"
        + "<cve>CVE-2099-0001</cve></suppress>"), TODAY));
  }

  @Test
  void rules_without_expiry_too_far_ahead_or_without_notes_are_refused() throws Exception {
    assertEquals(List.of("suppression 1 has no until date", "suppression 2 runs until 2027-02-20, more than 90 days ahead",
        "suppression 3 has no notes", "suppression 4 has an until date that is not YYYY-MM-DDZ"),
        SuppressionPolicy.problems(file(
            "<suppress><notes>x</notes><cve>CVE-1</cve></suppress>"
            + "<suppress until=\"2027-02-20Z\"><notes>x</notes><cve>CVE-2</cve></suppress>"
            + "<suppress until=\"2026-12-01Z\"><notes> </notes><cve>CVE-3</cve></suppress>"
            + "<suppress until=\"soon\"><notes>x</notes><cve>CVE-4</cve></suppress>"), TODAY));
  }

  @Test
  void the_committed_suppressions_follow_the_policy() throws Exception {
    Path committed = Path.of("dependency-check", "suppressions.xml");
    assertEquals(List.of(), SuppressionPolicy.problems(committed, LocalDate.now(ZoneOffset.UTC)));
  }
}
