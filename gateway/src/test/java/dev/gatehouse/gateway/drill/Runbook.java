package dev.gatehouse.gateway.drill;

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

/**
 * A runbook's drillable content: every fenced {@code console} block, with the anchor of the
 * heading it sits under. Grammar of a block (documented in incident-response/GUIDE.md):
 * <pre>
 * $ gatehouse ARGS...              a command; arguments split on blanks, "..." and '...' quote
 * # expect exit N                  required once per command: the exit code
 * # expect output: TEXT            optional, repeatable: TEXT occurs in stdout or stderr
 * # not drilled yet: REASON        marks the whole block as not drilled (counted and reported)
 * # any other comment
 * </pre>
 * Placeholders {@code <name>} in commands and expectations are bound by the drill.
 */
final class Runbook {

  /** One command line and what it must do. */
  record Step(int line, String command, Integer exit, List<String> outputs) {}

  /** One {@code console} block. */
  record Block(String file, int line, String anchor, List<Step> steps, String notDrilledReason) {

    boolean drillable() {
      return notDrilledReason == null;
    }
  }

  static final String NOT_DRILLED = "# not drilled yet:";
  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern EXPECT_EXIT = Pattern.compile("^# expect exit (\\d+)$");
  private static final String EXPECT_OUTPUT = "# expect output: ";

  final Path file;
  final List<Block> blocks;
  final List<String> anchors;
  final String text;

  private Runbook(Path file, String text, List<Block> blocks, List<String> anchors) {
    this.file = file;
    this.text = text;
    this.blocks = blocks;
    this.anchors = anchors;
  }

  static Runbook load(Path file) throws IOException {
    String text = Files.readString(file);
    List<String> lines = text.lines().toList();
    List<Block> blocks = new ArrayList<>();
    List<String> anchors = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    String anchor = "";
    String fence = null;
    boolean console = false;
    int blockStart = 0;
    List<String> body = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (fence == null) {
        if (line.startsWith("```")) {
          fence = "```";
          console = line.substring(3).strip().split("\\s+")[0].equals("console");
          blockStart = i + 1;
          body.clear();
          continue;
        }
        Matcher heading = HEADING.matcher(line);
        if (heading.matches()) {
          anchor = unique(slug(heading.group(2)), seen);
          anchors.add(anchor);
        }
      } else if (line.startsWith(fence)) {
        if (console) {
          blocks.add(parse(file.getFileName().toString(), blockStart, anchor, body));
        }
        fence = null;
      } else {
        body.add(line);
      }
    }
    if (fence != null) {
      throw new IllegalStateException(file + ": unclosed code block from line " + blockStart);
    }
    return new Runbook(file, text, List.copyOf(blocks), List.copyOf(anchors));
  }

  /** GitHub's heading anchor: inline markup dropped, lower case, punctuation removed, blanks to '-'. */
  static String slug(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
  }

  private static String unique(String slug, Map<String, Integer> seen) {
    int count = seen.merge(slug, 1, Integer::sum);
    return count == 1 ? slug : slug + "-" + (count - 1);
  }

  private static Block parse(String file, int start, String anchor, List<String> body) {
    List<Step> steps = new ArrayList<>();
    String notDrilled = null;
    String command = null;
    int commandLine = 0;
    Integer exit = null;
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < body.size(); i++) {
      String line = body.get(i).strip();
      int number = start + i + 1;
      Matcher expectExit = EXPECT_EXIT.matcher(line);
      if (line.startsWith("$ ")) {
        if (command != null) {
          steps.add(new Step(commandLine, command, exit, List.copyOf(outputs)));
        }
        command = line.substring(2).strip();
        commandLine = number;
        exit = null;
        outputs.clear();
      } else if (line.startsWith(NOT_DRILLED)) {
        notDrilled = line.substring(NOT_DRILLED.length()).strip();
      } else if (expectExit.matches() || line.startsWith(EXPECT_OUTPUT)) {
        if (command == null) {
          throw new IllegalStateException(file + ":" + number + ": expectation before any command");
        }
        if (expectExit.matches()) {
          exit = Integer.valueOf(expectExit.group(1));
        } else {
          outputs.add(line.substring(EXPECT_OUTPUT.length()));
        }
      } else if (line.startsWith("# expect")) {
        throw new IllegalStateException(file + ":" + number + ": unknown expectation: " + line);
      } else if (!line.isEmpty() && !line.startsWith("#")) {
        throw new IllegalStateException(file + ":" + number + ": a console block holds only commands and comments");
      }
    }
    if (command != null) {
      steps.add(new Step(commandLine, command, exit, List.copyOf(outputs)));
    }
    return new Block(file, start, anchor, List.copyOf(steps), notDrilled);
  }
}
