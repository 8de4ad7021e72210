package dev.gatehouse.gateway.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse completion}: prints a shell completion script for the whole command tree
 * (picocli's generator); the one script serves bash and zsh.
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {"Print a completion script for bash and zsh: subcommands and options complete with TAB.",
        "bash: add `source <(gatehouse completion)` to ~/.bashrc, or install it once with "
            + "`gatehouse completion > /etc/bash_completion.d/gatehouse`.",
        "zsh: add `source <(gatehouse completion)` to ~/.zshrc (the script loads zsh's bashcompinit itself)."})
public final class CompletionCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
