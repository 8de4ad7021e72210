package dev.gatehouse.gate.feed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The rules a Dependency-Check suppression must follow here (regression-tests/README.md,
 * "Remediation time frames"): an {@code until="YYYY-MM-DDZ"} date at most {@link #MAX_DAYS}
 * days ahead, and non-empty {@code <notes>} saying why.
 */
public final class SuppressionPolicy {

  public static final int MAX_DAYS = 90;

  private SuppressionPolicy() {}

  /**
   * The {@code <suppress>} rules of a Dependency-Check suppressions file, parsed with DOCTYPEs
   * (and so external entities) refused.
   */
  static NodeList rules(Path suppressions) throws IOException {
    try (InputStream in = Files.newInputStream(suppressions)) {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setNamespaceAware(true);
      return factory.newDocumentBuilder().parse(in).getElementsByTagNameNS("*", "suppress");
    } catch (SAXException | ParserConfigurationException e) {
      throw new IOException("unreadable suppressions file: " + e.getMessage(), e);
    }
  }

  /** One line per rule that breaks the policy; empty when every rule follows it. */
  public static List<String> problems(Path suppressions, LocalDate today) throws IOException {
    NodeList rules = rules(suppressions);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < rules.getLength(); i++) {
      Element rule = (Element) rules.item(i);
      String name = "suppression " + (i + 1);
      String until = rule.getAttribute("until");
      if (until.isEmpty()) {
        problems.add(name + " has no until date");
      } else {
        try {
          LocalDate date = LocalDate.parse(until.endsWith("Z") ? until.substring(0, until.length() - 1) : until);
          if (date.isAfter(today.plusDays(MAX_DAYS))) {
            problems.add(name + " runs until " + date + ", more than " + MAX_DAYS + " days ahead");
          }
        } catch (DateTimeParseException e) {
          problems.add(name + " has an until date that is not YYYY-MM-DDZ");
        }
      }
      NodeList notes = rule.getElementsByTagNameNS("*", "notes");
      if (notes.getLength() == 0 || notes.item(0).getTextContent().isBlank()) {
        problems.add(name + " has no notes");
      }
    }
    return problems;
  }
}
