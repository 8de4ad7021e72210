package dev.gatehouse.auditdetector.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every shipped rule's {@code runbook:} link names an existing file under the repository root and
 * a heading anchor in it, computed as GitHub computes them, so an alert never points a responder
 * at a page or section that does not exist.
 */
class RunbookLinksTest {

  /** The repository root, seen from this module's directory (where Maven runs the tests). */
  static final Path ROOT = Path.of("..");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

  @Test
  void everyShippedRuleLinksToAnExistingRunbookSection() throws IOException {
    List<RuleDefinition> rules = new RuleLoader().loadShipped();
    assertFalse(rules.isEmpty());
    List<String> broken = new ArrayList<>();
    for (RuleDefinition rule : rules) {
      String link = rule.runbook();
      int hash = link.indexOf('#');
      Path file = ROOT.resolve(hash < 0 ? link : link.substring(0, hash));
      if (!link.startsWith("incident-response/runbooks/") || hash < 0) {
        broken.add(rule.id() + ": " + link + " (must be incident-response/runbooks/<file>.md#<anchor>)");
      } else if (!Files.isRegularFile(file)) {
        broken.add(rule.id() + ": " + link + " (no such file)");
      } else if (!anchors(file).contains(link.substring(hash + 1))) {
        broken.add(rule.id() + ": " + link + " (no such heading; anchors: " + anchors(file) + ")");
      }
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void anchorsFollowGithubsSlugRules() {
    assertEquals("d09-allowed-on-another-workspaces-resource", slug("D09: allowed on another workspace's resource"));
    assertEquals("2-contain-revoke", slug("2. Contain: revoke"));
    assertEquals("gatehouse-audit-verify-digest", slug("`gatehouse audit verify` digest"));
    assertEquals("see-the-guide", slug("See [the guide](../GUIDE.md)"));
    assertEquals(List.of("notes", "notes-1", "notes-2"), slugsOf("# Notes\n## Notes\n### Notes\n"));
  }

  @Test
  void headingsInsideCodeBlocksAreNotAnchors() {
    assertEquals(List.of("real"), slugsOf("# Real\n```sh\n# a comment, not a heading\n```\n"));
  }

  static List<String> anchors(Path file) throws IOException {
    return slugsOf(Files.readString(file));
  }

  /** Heading anchors of a Markdown text, in order; repeated headings get -1, -2, ... as on GitHub. */
  static List<String> slugsOf(String markdown) {
    List<String> anchors = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean inCode = false;
    for (String line : markdown.lines().toList()) {
      if (line.startsWith("```")) {
        inCode = !inCode;
        continue;
      }
      Matcher heading = HEADING.matcher(line);
      if (!inCode && heading.matches()) {
        String slug = slug(heading.group(1));
        int count = seen.merge(slug, 1, Integer::sum);
        anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
      }
    }
    assertTrue(!inCode, "unclosed code block");
    return anchors;
  }

  /** GitHub's heading anchor: inline markup dropped, lower case, punctuation removed, blanks to '-'. */
  static String slug(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
  }
}
