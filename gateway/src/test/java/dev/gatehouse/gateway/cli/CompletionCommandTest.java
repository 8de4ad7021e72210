package dev.gatehouse.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gatehouse completion}: a script bash loads, completing the subcommands and their options. */
class CompletionCommandTest {

  @TempDir
  Path dir;

  static String script() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    assertEquals(0, cli.execute("completion"), err.toString());
    return out.toString();
  }

  @Test
  void theScriptNamesEverySubcommandAndServesBashAndZsh() {
    String script = script();
    for (String command : List.of("serve", "workspace", "token", "keys", "audit", "alerts", "block", "detect",
        "secrets", "completion")) {
      assertTrue(script.contains(" " + command + " ") || script.contains("'" + command + "'")
          || script.contains(" " + command + "\""), "completes " + command);
    }
    assertTrue(script.contains("--admin-url") && script.contains("--json"), "and the options of the subcommands");
    assertTrue(script.contains("complete -F _complete_gatehouse") && script.contains("ZSH_VERSION"), script);
  }

  @Test
  void bashLoadsItAndCompletesTheSubcommands() throws Exception {
    Path file = Files.writeString(dir.resolve("gatehouse.bash"), script());
    String probe = "source " + file + "; COMP_WORDS=(gatehouse wo); COMP_CWORD=1; COMP_LINE='gatehouse wo'; "
        + "COMP_POINT=${#COMP_LINE}; _complete_gatehouse; printf '%s\\n' \"${COMPREPLY[@]}\"; complete -p gatehouse";
    Process bash = new ProcessBuilder("bash", "-c", probe).redirectErrorStream(true).start();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, bash.exitValue(), output);
    assertTrue(output.lines().anyMatch("workspace"::equals), output);
    assertTrue(output.lines().anyMatch(l -> l.startsWith("complete ") && l.contains("-F _complete_gatehouse")
        && l.endsWith(" gatehouse")), "registered for the gatehouse command: " + output);
  }
}
