package dev.gatehouse.gate.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The rule that ties Dependency-Check suppressions to the OpenVEX document
 * (regression-tests/README.md, "VEX"): every suppressed vulnerability has a VEX statement with
 * status {@code not_affected}, an OpenVEX justification and a product the suppression's package
 * URL matches; every {@code not_affected} statement has a suppression for that vulnerability.
 */
public final class VexCorrespondence {

  /** The justification labels of OpenVEX 0.2.0. */
  public static final Set<String> JUSTIFICATIONS = Set.of("component_not_present", "vulnerable_code_not_present",
      "vulnerable_code_not_in_execute_path", "vulnerable_code_cannot_be_controlled_by_adversary",
      "inline_mitigations_already_exist");

  static final String OPENVEX_CONTEXT = "https://openvex.dev/ns/v0.2.0";

  private VexCorrespondence() {}

  /** A suppressed vulnerability id with the package URL (exact or regex) it applies to, if any. */
  record Suppressed(String vulnerability, String packageUrl, boolean regex) {

    boolean covers(String purl) {
      if (packageUrl.isEmpty()) {
        return true;
      }
      if (!regex) {
        return packageUrl.equals(purl);
      }
      try {
        return Pattern.compile(packageUrl).matcher(purl).matches();
      } catch (PatternSyntaxException e) {
        return false;
      }
    }
  }

  /** One line per broken correspondence; empty when both files say the same thing. */
  public static List<String> problems(Path suppressions, Path vex) throws IOException {
    List<Suppressed> suppressed = suppressed(suppressions);
    JsonNode document = new ObjectMapper().readTree(vex.toFile());
    List<String> problems = new ArrayList<>();
    if (!OPENVEX_CONTEXT.equals(document.path("@context").asText())) {
      problems.add("the VEX document is not OpenVEX 0.2.0");
    }
    JsonNode statements = document.path("statements");
    if (!statements.isArray()) {
      problems.add("the VEX document has no statements array");
      return problems;
    }
    for (Suppressed s : suppressed) {
      if (s.vulnerability().isEmpty()) {
        problems.add("a suppression names no vulnerability (cve or vulnerabilityName), so no VEX statement can match it");
      } else if (!hasMatchingStatement(s, statements)) {
        problems.add("suppression of " + s.vulnerability()
            + " has no VEX statement with status not_affected, a justification and a matching product");
      }
    }
    for (JsonNode statement : statements) {
      String name = statement.path("vulnerability").path("name").asText();
      if ("not_affected".equals(statement.path("status").asText())
          && suppressed.stream().noneMatch(s -> s.vulnerability().equals(name))) {
        problems.add("VEX statement not_affected for " + name + " has no suppression");
      }
    }
    return problems;
  }

  static boolean hasMatchingStatement(Suppressed s, JsonNode statements) {
    for (JsonNode statement : statements) {
      if (s.vulnerability().equals(statement.path("vulnerability").path("name").asText())
          && "not_affected".equals(statement.path("status").asText())
          && JUSTIFICATIONS.contains(statement.path("justification").asText())) {
        for (JsonNode product : statement.path("products")) {
          if (s.covers(product.path("@id").asText())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  static List<Suppressed> suppressed(Path suppressions) throws IOException {
    NodeList rules = SuppressionPolicy.rules(suppressions);
    List<Suppressed> out = new ArrayList<>();
    for (int i = 0; i < rules.getLength(); i++) {
      Element rule = (Element) rules.item(i);
      NodeList purls = rule.getElementsByTagNameNS("*", "packageUrl");
      String purl = purls.getLength() == 0 ? "" : purls.item(0).getTextContent().trim();
      boolean regex = purls.getLength() > 0 && "true".equals(((Element) purls.item(0)).getAttribute("regex"));
      int named = 0;
      for (String tag : List.of("cve", "vulnerabilityName")) {
        NodeList ids = rule.getElementsByTagNameNS("*", tag);
        for (int j = 0; j < ids.getLength(); j++, named++) {
          out.add(new Suppressed(ids.item(j).getTextContent().trim(), purl, regex));
        }
      }
      if (named == 0) {
        out.add(new Suppressed("", purl, regex));
      }
    }
    return out;
  }
}
