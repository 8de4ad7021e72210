package dev.gatehouse.gate.report;

import dev.gatehouse.gate.results.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the summary a person reads in a minute: the verdict, a few counts, then only what did
 * not pass (failed first, then skipped), one line each.
 */
public final class MarkdownWriter {

  private MarkdownWriter() {}

  public static String render(GateReport report) {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(report.title()).append(": **").append(report.verdict()).append("**\n\n");
    report.summary().forEach(line -> md.append("- ").append(line).append('\n'));
    long passed = report.checks().stream().filter(c -> c.outcome() == Outcome.PASSED).count();
    long failed = report.checks().stream()
        .filter(c -> c.outcome() == Outcome.FAILED || c.outcome() == Outcome.MISSING).count();
    long skipped = report.checks().stream().filter(c -> c.outcome() == Outcome.SKIPPED).count();
    md.append("- checks: ").append(report.checks().size()).append(" (").append(passed).append(" passed, ")
        .append(failed).append(" failed, ").append(skipped).append(" skipped)\n");
    if (failed > 0) {
      md.append("\n## Failed\n\n| check | threats | why |\n|---|---|---|\n");
      for (ReportCheck c : report.checks()) {
        if (c.outcome() == Outcome.FAILED || c.outcome() == Outcome.MISSING) {
          md.append("| ").append(cell(c.id())).append(" | ").append(String.join(", ", c.threatIds())).append(" | ")
              .append(cell(String.join("; ", c.messages()))).append(" |\n");
        }
      }
    }
    if (skipped > 0) {
      md.append("\n## Skipped\n\n");
      for (ReportCheck c : report.checks()) {
        if (c.outcome() == Outcome.SKIPPED) {
          md.append("- ").append(c.id()).append(": ").append(String.join("; ", c.messages())).append('\n');
        }
      }
    }
    return md.toString();
  }

  public static void write(GateReport report, Path file) throws IOException {
    Files.writeString(file, render(report), StandardCharsets.UTF_8);
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
