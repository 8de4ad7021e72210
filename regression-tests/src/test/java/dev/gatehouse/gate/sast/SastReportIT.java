package dev.gatehouse.gate.sast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The modules built before this one in the reactor ran SpotBugs with FindSecBugs in their
 * {@code verify} phase (root pom, regression-tests/README.md "Static analysis"): each left its XML
 * report, the report covers the module's classes with the FindSecBugs detectors loaded, and it
 * holds no finding. This module's own report is written after its integration tests; its
 * {@code check} goal fails the build on a finding.
 */
class SastReportIT {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"secrets", "audit-detector", "gateway"})
  void the_module_was_analysed_with_findsecbugs_and_has_no_security_finding(String module) throws Exception {
    Path report = Path.of("..", module, "target", "spotbugsXml.xml");
    assertTrue(Files.isRegularFile(report), "no SpotBugs report for " + module + ": was verify skipped?");
    Document xml;
    try (InputStream in = Files.newInputStream(report)) {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      xml = factory.newDocumentBuilder().parse(in);
    }
    Element summary = (Element) xml.getElementsByTagName("FindBugsSummary").item(0);
    assertTrue(Integer.parseInt(summary.getAttribute("total_classes")) > 0, module + ": no class was analysed");
    assertTrue(findSecBugsLoaded(xml), module + ": the FindSecBugs plugin was not loaded");
    assertEquals(0, xml.getElementsByTagName("BugInstance").getLength(), module + ": SpotBugs findings in " + report);
  }

  static boolean findSecBugsLoaded(Document xml) {
    NodeList plugins = xml.getElementsByTagName("Plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      if (plugin.getAttribute("id").equals("com.h3xstream.findsecbugs") && plugin.getAttribute("enabled").equals("true")) {
        return true;
      }
    }
    return false;
  }
}
