package dev.gatehouse.gate.register;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders security-checklist/CHECKLIST.md from checklist.yaml. This is the one generator: the
 * {@code gatehouse-gate checklist} command writes its output and the release gate fails when the
 * committed file differs from it.
 */
public final class ChecklistRenderer {

  public static final String FILE = "security-checklist/CHECKLIST.md";
  private static final String PREFIX = "dev.gatehouse.";

  private ChecklistRenderer() {}

  public static String render(Iterable<ChecklistItem> items) {
    List<String> rows = new ArrayList<>();
    int total = 0;
    int checked = 0;
    int attested = 0;
    int notYet = 0;
    for (ChecklistItem item : items) {
      total++;
      String mapping;
      String detail;
      if (!item.checks().isEmpty()) {
        checked++;
        mapping = "check";
        detail = item.checks().stream().map(c -> "`" + (c.startsWith(PREFIX) ? c.substring(PREFIX.length()) : c) + "`")
            .collect(Collectors.joining("<br>"));
      } else if (item.attested()) {
        attested++;
        mapping = "attestation";
        detail = "evidence: " + item.evidence().stream().map(e -> "`" + e + "`").collect(Collectors.joining(", "));
      } else {
        notYet++;
        mapping = "not yet";
        detail = "planned: " + (item.planned() == null ? "" : item.planned());
      }
      rows.add("| " + item.id() + " | " + (item.level() == null ? "" : item.level()) + " | " + cell(item.text())
          + " | " + mapping + " | " + cell(detail) + " | " + String.join(", ", item.threats()) + " |");
    }
    StringBuilder out = new StringBuilder();
    out.append("# Security checklist\n\n")
        .append("This table is rendered from [`checklist.yaml`](checklist.yaml), which is the source of truth, by\n")
        .append("`gatehouse-gate checklist` (regression-tests/README.md); the release gate fails when this file\n")
        .append("differs from the rendering. Test ids are shown without the `dev.gatehouse.` prefix. Threat ids\n")
        .append("refer to [`../threat-model/threats.yaml`](../threat-model/threats.yaml).\n\n")
        .append("Items: ").append(total).append(" (").append(checked).append(" checked by tests, ").append(attested)
        .append(" attested, ").append(notYet).append(" not yet).\n\n")
        .append("| id | level | requirement | mapping | tests, evidence or plan | threats |\n")
        .append("|---|---|---|---|---|---|\n");
    rows.forEach(r -> out.append(r).append('\n'));
    return out.toString();
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }
}
