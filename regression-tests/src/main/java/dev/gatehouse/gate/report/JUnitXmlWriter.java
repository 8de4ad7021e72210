package dev.gatehouse.gate.report;

import dev.gatehouse.gate.results.Outcome;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Writes a report as one JUnit XML {@code <testsuite>}; each check is a {@code <testcase classname=id>}. */
public final class JUnitXmlWriter {

  private JUnitXmlWriter() {}

  public static void write(GateReport report, Path file) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeCharacters("\n");
      xml.writeStartElement("testsuite");
      xml.writeAttribute("name", "gatehouse-gate." + report.name());
      xml.writeAttribute("tests", String.valueOf(report.checks().size()));
      xml.writeAttribute("failures", String.valueOf(count(report, Outcome.FAILED)));
      xml.writeAttribute("errors", "0");
      xml.writeAttribute("skipped", String.valueOf(count(report, Outcome.SKIPPED)));
      xml.writeAttribute("time", seconds(report.checks().stream().mapToDouble(ReportCheck::seconds).sum()));
      xml.writeCharacters("\n");
      for (ReportCheck check : report.checks()) {
        xml.writeCharacters("  ");
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", check.id());
        xml.writeAttribute("name", check.name() == null ? check.id() : check.name());
        xml.writeAttribute("time", seconds(check.seconds()));
        if (check.outcome() == Outcome.FAILED || check.outcome() == Outcome.MISSING) {
          xml.writeStartElement("failure");
          xml.writeAttribute("message", check.messages().isEmpty() ? "failed" : check.messages().get(0));
          xml.writeAttribute("type", check.group());
          xml.writeCharacters(String.join("\n", check.messages()));
          xml.writeEndElement();
        } else if (check.outcome() == Outcome.SKIPPED) {
          xml.writeStartElement("skipped");
          xml.writeAttribute("message", String.join("; ", check.messages()));
          xml.writeEndElement();
        }
        xml.writeEndElement();
        xml.writeCharacters("\n");
      }
      xml.writeEndElement();
      xml.writeCharacters("\n");
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IOException("cannot write " + file.getFileName(), e);
    }
  }

  private static long count(GateReport report, Outcome outcome) {
    return report.checks().stream().filter(c -> c.outcome() == outcome
        || outcome == Outcome.FAILED && c.outcome() == Outcome.MISSING).count();
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.3f", s);
  }
}
