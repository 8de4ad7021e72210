package dev.gatehouse.gateway.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gatehouse.gateway.Main;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Runs a runbook's {@code console} blocks section by section through the real CLI entry point
 * ({@link Main#commandLine()}), with placeholders bound from the drill's context, and checks each
 * command's documented exit code and output. Admin commands get {@code --admin-url} and
 * {@code --token-file} of the drilled deployment, exactly as an operator's defaults would point
 * at their own node.
 */
final class Drill {

  /** What one command did. */
  record Result(String command, int exit, String out, String err) {

    JsonObject json() {
      return new JsonObject(out);
    }
  }

  private static final String JWS = "eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*";
  private static final Pattern PLACEHOLDER = Pattern.compile("<([a-z][a-z0-9-]*)>");

  private final Runbook runbook;
  private final String adminUrl;
  private final Path tokenFile;
  private final Map<String, List<String>> bindings = new HashMap<>();
  private final Set<Runbook.Block> ran = new HashSet<>();
  private final List<Result> results = new ArrayList<>();

  Drill(Runbook runbook, String adminUrl, Path tokenFile) {
    this.runbook = runbook;
    this.adminUrl = adminUrl;
    this.tokenFile = tokenFile;
  }

  Drill bind(String name, String value) {
    bindings.put(name, List.of(value));
    return this;
  }

  /** A placeholder that stands alone as an argument and expands to several arguments. */
  Drill bind(String name, List<String> values) {
    bindings.put(name, List.copyOf(values));
    return this;
  }

  /** Runs every drillable block under the heading with this anchor; fails if there is none. */
  List<Result> run(String anchor) {
    List<Runbook.Block> blocks = runbook.blocks.stream().filter(b -> b.anchor().equals(anchor)).toList();
    assertFalse(blocks.isEmpty(), runbook.file.getFileName() + " has no console block under #" + anchor);
    List<Result> section = new ArrayList<>();
    for (Runbook.Block block : blocks) {
      if (!block.drillable()) {
        continue;
      }
      for (Runbook.Step step : block.steps()) {
        section.add(execute(block, step));
      }
      ran.add(block);
    }
    return section;
  }

  /** The last command's result. */
  Result last() {
    assertFalse(results.isEmpty(), "no command ran yet");
    return results.get(results.size() - 1);
  }

  List<Result> results() {
    return List.copyOf(results);
  }

  /** Blocks carrying the "not drilled yet" marker. */
  List<Runbook.Block> notDrilled() {
    return runbook.blocks.stream().filter(b -> !b.drillable()).toList();
  }

  /** Fails unless every drillable block of the runbook ran: a new block without a drill fails CI. */
  void assertEveryBlockDrilled() {
    for (Runbook.Block block : runbook.blocks) {
      if (block.drillable()) {
        assertTrue(ran.contains(block), runbook.file.getFileName() + ":" + block.line()
            + " (#" + block.anchor() + ") was never drilled");
      }
    }
  }

  private Result execute(Runbook.Block block, Runbook.Step step) {
    String where = block.file() + ":" + step.line() + " `" + step.command() + "`";
    assertNotNull(step.exit(), where + ": no `# expect exit N` line");
    List<String> words = split(step.command(), where);
    assertTrue(words.size() > 1 && words.get(0).equals("gatehouse"), where + ": not a gatehouse command");
    List<String> args = new ArrayList<>();
    for (String word : words.subList(1, words.size())) {
      Matcher whole = PLACEHOLDER.matcher(word);
      if (whole.matches() && bound(whole.group(1), where).size() != 1) {
        args.addAll(bound(whole.group(1), where));
      } else {
        args.add(substitute(word, where));
      }
    }
    if (takesAdminOptions(args)) {
      // Before a "--", which ends the options (ids may begin with '-').
      int end = args.indexOf("--");
      args.addAll(end < 0 ? args.size() : end, List.of("--admin-url", adminUrl, "--token-file", tokenFile.toString()));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args.toArray(new String[0]));
    Result result = new Result(step.command(), exit, out.toString(), err.toString());
    results.add(result);
    assertEquals(step.exit().intValue(), exit, where + " exit code; " + shown(result));
    for (String expected : step.outputs()) {
      String text = substitute(expected, where);
      assertTrue(result.out().contains(text) || result.err().contains(text),
          where + ": expected output containing [" + text + "]; " + shown(result));
    }
    return result;
  }

  /** Both outputs for a failure message, with any token a command printed (token create) redacted. */
  private static String shown(Result result) {
    return ("stdout: " + result.out() + " stderr: " + result.err()).replaceAll(JWS, "[redacted]");
  }

  private List<String> bound(String name, String where) {
    List<String> value = bindings.get(name);
    if (value == null) {
      fail(where + ": placeholder <" + name + "> is not bound by the drill");
    }
    return value;
  }

  private String substitute(String text, String where) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      List<String> value = bound(m.group(1), where);
      assertEquals(1, value.size(), where + ": <" + m.group(1) + "> expands to several arguments; use it alone");
      m.appendReplacement(sb, Matcher.quoteReplacement(value.get(0)));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** True when the command the arguments name has the admin connection options. */
  private static boolean takesAdminOptions(List<String> args) {
    CommandLine.ParseResult parsed;
    try {
      parsed = Main.commandLine().parseArgs(args.toArray(new String[0]));
    } catch (CommandLine.ParameterException e) {
      return false;
    }
    while (parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
    }
    return parsed.commandSpec().findOption("--admin-url") != null && !args.contains("--admin-url");
  }

  /** Splits a command line on blanks; "..." and '...' group words, as a POSIX shell would here. */
  static List<String> split(String line, String where) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (char c : line.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else if (c == '\\' || c == '$' || c == '`' || c == '|' || c == ';' || c == '&') {
        fail(where + ": drilled commands use no shell syntax (" + c + ")");
      } else {
        word.append(c);
        inWord = true;
      }
    }
    assertEquals(0, quote, where + ": unclosed quote");
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
