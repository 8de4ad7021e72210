package dev.gatehouse.gateway.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in the incident-response pages (guide, runbooks, migration-safety page)
 * names an existing file and, when it has a fragment, a heading of that file, so a responder
 * following a link mid-incident never lands nowhere.
 */
class IncidentResponseLinksTest {

  static final Path PAGES = Path.of("..", "incident-response");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void everyRelativeLinkResolvesToAFileAndHeading() throws IOException {
    List<Path> pages;
    try (Stream<Path> walk = Files.walk(PAGES)) {
      pages = walk.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
    assertTrue(pages.size() >= 10, "the guide, the migration page and the runbooks: " + pages);
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      Matcher link = LINK.matcher(withoutCode(Files.readString(page)));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("^[a-z]+:.*")) {
          continue;
        }
        checked++;
        int hash = target.indexOf('#');
        Path file = hash == 0 ? page : page.getParent().resolve(hash < 0 ? target : target.substring(0, hash)).normalize();
        if (hash < 0 && Files.isDirectory(file)) {
          continue;
        }
        if (!Files.isRegularFile(file)) {
          broken.add(page.getFileName() + ": " + target + " (no such file)");
        } else if (hash >= 0 && !Runbook.load(file).anchors.contains(target.substring(hash + 1))) {
          broken.add(page.getFileName() + ": " + target + " (no such heading)");
        }
      }
    }
    assertTrue(checked > 40, "links checked: " + checked);
    assertEquals(List.of(), broken);
  }

  /** The text outside fenced code blocks, where a "](" is not a link. */
  private static String withoutCode(String markdown) {
    StringBuilder text = new StringBuilder();
    boolean inCode = false;
    for (String line : markdown.lines().toList()) {
      if (line.startsWith("```")) {
        inCode = !inCode;
      } else if (!inCode) {
        text.append(line).append('\n');
      }
    }
    return text.toString();
  }
}
