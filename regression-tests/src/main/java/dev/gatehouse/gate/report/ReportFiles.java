package dev.gatehouse.gate.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a report in all three formats: {@code <name>-junit.xml}, {@code <name>.sarif}, {@code <name>.md}. */
public final class ReportFiles {

  private ReportFiles() {}

  /** Returns the files written, in that order. */
  public static List<Path> writeAll(GateReport report, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path junit = dir.resolve(report.name() + "-junit.xml");
    Path sarif = dir.resolve(report.name() + ".sarif");
    Path markdown = dir.resolve(report.name() + ".md");
    JUnitXmlWriter.write(report, junit);
    SarifWriter.write(report, sarif);
    MarkdownWriter.write(report, markdown);
    return List.of(junit, sarif, markdown);
  }
}
