package dev.gatehouse.gate.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Dependency-Check suppression has a not_affected OpenVEX statement with a justification,
 * and every not_affected statement has a suppression; the committed files correspond.
 */
@Tag("T-SUP-001")
class VexCorrespondenceTest {

  static final String NS = "https://jeremylong.github.io/DependencyCheck/dependency-suppression.1.3.xsd";
  static final String SUPPRESSION = "<suppress until=\"2027-01-15Z\"><notes>Not reachable.</notes>"
      + "<packageUrl regex=\"true\">^pkg:maven/commons-collections/commons-collections@.*$</packageUrl>"
      + "<cve>CVE-2099-0001</cve></suppress>";
  static final String STATEMENT = "{\"vulnerability\":{\"name\":\"CVE-2099-0001\"},"
      + "\"products\":[{\"@id\":\"pkg:maven/commons-collections/commons-collections@3.2.1\"}],"
      + "\"status\":\"not_affected\",\"justification\":\"vulnerable_code_not_in_execute_path\"}";

  @TempDir
  Path dir;

  List<String> problems(String rules, String statements) throws Exception {
    Path suppressions = Files.writeString(dir.resolve("suppressions.xml"),
        "<?xml version=\"1.0\"?><suppressions xmlns=\"" + NS + "\">" + rules + "</suppressions>");
    Path vex = Files.writeString(dir.resolve("vex.json"),
        "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"urn:uuid:1\",\"author\":\"t\","
            + "\"timestamp\":\"2026-11-21T00:00:00Z\",\"version\":1,\"statements\":[" + statements + "]}");
    return VexCorrespondence.problems(suppressions, vex);
  }

  @Test
  void a_suppression_with_its_not_affected_statement_is_accepted() throws Exception {
    assertEquals(List.of(), problems(SUPPRESSION, STATEMENT));
  }

  @Test
  void a_suppression_without_a_statement_is_refused() throws Exception {
    assertEquals(List.of("suppression of CVE-2099-0001 has no VEX statement with status not_affected, "
        + "a justification and a matching product"), problems(SUPPRESSION, ""));
  }

  @Test
  void a_statement_without_a_suppression_is_refused() throws Exception {
    assertEquals(List.of("VEX statement not_affected for CVE-2099-0001 has no suppression"), problems("", STATEMENT));
  }

  @Test
  void a_statement_without_justification_or_for_another_product_does_not_count() throws Exception {
    String unjustified = STATEMENT.replace("vulnerable_code_not_in_execute_path", "because");
    String otherProduct = STATEMENT.replace("commons-collections/commons-collections@3.2.1", "org.example/other@1.0");
    String expected = "suppression of CVE-2099-0001 has no VEX statement with status not_affected, "
        + "a justification and a matching product";
    assertEquals(List.of(expected), problems(SUPPRESSION, unjustified));
    assertEquals(List.of(expected), problems(SUPPRESSION, otherProduct));
  }

  @Test
  void a_suppression_naming_no_vulnerability_is_refused() throws Exception {
    assertEquals(List.of("a suppression names no vulnerability (cve or vulnerabilityName), so no VEX statement can match it"),
        problems("<suppress until=\"2027-01-15Z\"><notes>x</notes><cpe>cpe:/a:x:y</cpe></suppress>", ""));
  }

  @Test
  void the_committed_suppressions_and_vex_document_correspond() throws Exception {
    Path root = Path.of("..");
    assertEquals(List.of(), VexCorrespondence.problems(root.resolve("regression-tests/dependency-check/suppressions.xml"),
        root.resolve("security-checklist/vex/gatehouse.openvex.json")));
  }
}
