package dev.gatehouse.gate.results;

import dev.gatehouse.gate.register.TestId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The JUnit XML reports of a build: every {@code TEST-*.xml} under a module's
 * {@code target/surefire-reports} and {@code target/failsafe-reports}. Reports are read with
 * DTDs and external entities disabled. An unparsable report is an {@link IOException}: a gate
 * that skipped it could miss a failure.
 */
public final class TestReports {

  private final List<TestCaseResult> cases;

  public TestReports(List<TestCaseResult> cases) {
    this.cases = List.copyOf(cases);
  }

  public List<TestCaseResult> cases() {
    return cases;
  }

  /** Reads every report of every module directly under {@code root}. */
  public static TestReports load(Path root) throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      modules.filter(Files::isDirectory).forEach(m -> {
        dirs.add(m.resolve("target/surefire-reports"));
        dirs.add(m.resolve("target/failsafe-reports"));
      });
    }
    List<TestCaseResult> all = new ArrayList<>();
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList()) {
          all.addAll(read(file));
        }
      }
    }
    return new TestReports(all);
  }

  /** Reads one JUnit XML report. */
  public static List<TestCaseResult> read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      NodeList testcases = parser().parse(in).getElementsByTagName("testcase");
      List<TestCaseResult> out = new ArrayList<>();
      for (int i = 0; i < testcases.getLength(); i++) {
        Element tc = (Element) testcases.item(i);
        String[] name = TestCaseResult.splitName(tc.getAttribute("name"));
        Outcome outcome = Outcome.PASSED;
        String message = "";
        for (String tag : List.of("failure", "error", "skipped")) {
          NodeList found = tc.getElementsByTagName(tag);
          if (found.getLength() > 0) {
            outcome = tag.equals("skipped") ? Outcome.SKIPPED : Outcome.FAILED;
            message = ((Element) found.item(0)).getAttribute("message");
            break;
          }
        }
        out.add(new TestCaseResult(tc.getAttribute("classname"), name[0], name[1], outcome, message));
      }
      return out;
    } catch (SAXException | ParserConfigurationException e) {
      throw new IOException("unreadable test report " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * What became of the tests {@code id} names: MISSING when none ran, FAILED when any failed,
   * SKIPPED when any was skipped, otherwise PASSED.
   */
  public Outcome outcomeOf(TestId id) {
    boolean any = false;
    boolean skipped = false;
    for (TestCaseResult c : cases) {
      if (c.isNamedBy(id)) {
        any = true;
        if (c.outcome() == Outcome.FAILED) {
          return Outcome.FAILED;
        }
        skipped |= c.outcome() == Outcome.SKIPPED;
      }
    }
    return !any ? Outcome.MISSING : skipped ? Outcome.SKIPPED : Outcome.PASSED;
  }

  private static DocumentBuilder parser() throws ParserConfigurationException {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setXIncludeAware(false);
    factory.setExpandEntityReferences(false);
    return factory.newDocumentBuilder();
  }
}
