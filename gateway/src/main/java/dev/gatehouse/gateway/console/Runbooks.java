package dev.gatehouse.gateway.console;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code GET /console/runbooks/{name}.md}: an incident-response runbook shipped in the jar, its
 * headings as anchors (GitHub's spelling, so a rule's {@code runbook} fragment such as
 * {@code #d01-failed-authentication-burst} opens its section) and everything else as preformatted
 * text. Nothing in it is interpreted as markup.
 */
final class Runbooks implements ConsolePage {

  /** Where the rules' runbook references point. */
  static final String REPOSITORY_PREFIX = "incident-response/runbooks/";
  static final String PATH = Console.PATH + "/runbooks/";
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,64}\\.md");
  private static final Pattern HEADING = Pattern.compile("(#{1,4}) (.+)");

  private final Views views;

  Runbooks(Views views) {
    this.views = views;
  }

  @Override
  public void mount(Router console) {
    console.get("/runbooks/:name").blockingHandler(this::show, false);
  }

  /** The console link of a rule's runbook reference ({@code incident-response/runbooks/x.md#section}), if it has one. */
  static Optional<String> link(String runbook) {
    if (runbook == null || !runbook.startsWith(REPOSITORY_PREFIX)) {
      return Optional.empty();
    }
    String rest = runbook.substring(REPOSITORY_PREFIX.length());
    int hash = rest.indexOf('#');
    String name = hash < 0 ? rest : rest.substring(0, hash);
    return NAME.matcher(name).matches() ? Optional.of(PATH + rest) : Optional.empty();
  }

  private void show(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (name == null || !NAME.matcher(name).matches()) {
      views.error(ctx, 404);
      return;
    }
    String text;
    try (InputStream in = Runbooks.class.getResourceAsStream("/runbooks/" + name)) {
      if (in == null) {
        views.error(ctx, 404);
        return;
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      views.unavailable(ctx, e);
      return;
    }
    views.page(ctx, "runbook", Map.of("name", name, "blocks", blocks(text)));
  }

  /** The runbook as headings (level, text, anchor) and the text between them. */
  static List<Map<String, Object>> blocks(String markdown) {
    List<Map<String, Object>> blocks = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    boolean fenced = false;
    for (String line : markdown.split("\n", -1)) {
      fenced ^= line.startsWith("```");
      var heading = HEADING.matcher(line);
      if (!fenced && heading.matches()) {
        flush(blocks, text);
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("level", heading.group(1).length());
        block.put("heading", heading.group(2));
        block.put("anchor", anchor(heading.group(2)));
        blocks.add(block);
      } else {
        text.append(line).append('\n');
      }
    }
    flush(blocks, text);
    return blocks;
  }

  private static void flush(List<Map<String, Object>> blocks, StringBuilder text) {
    if (!text.toString().isBlank()) {
      blocks.add(Map.of("text", text.toString().strip()));
    }
    text.setLength(0);
  }

  /** GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens. */
  static String anchor(String heading) {
    return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }
}
