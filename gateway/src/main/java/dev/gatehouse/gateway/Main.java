package dev.gatehouse.gateway;

import dev.gatehouse.gateway.cli.AlertsCommand;
import dev.gatehouse.gateway.cli.AuditCommand;
import dev.gatehouse.gateway.cli.BlockCommand;
import dev.gatehouse.gateway.cli.EgressCommand;
import dev.gatehouse.gateway.cli.UsageCommand;
import dev.gatehouse.gateway.cli.CompletionCommand;
import dev.gatehouse.gateway.cli.ConfigCommand;
import dev.gatehouse.gateway.cli.DetectCommand;
import dev.gatehouse.gateway.cli.KeysCommand;
import dev.gatehouse.gateway.cli.RulesCommand;
import dev.gatehouse.gateway.cli.ServeCommand;
import dev.gatehouse.gateway.cli.TokenCommand;
import dev.gatehouse.gateway.cli.WorkspaceCommand;
import dev.gatehouse.secrets.cli.SecretsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code gatehouse} command. Each module contributes its own subcommands; this class only
 * composes them. Exit codes: 0 success, 1 operation failed, 2 bad usage or configuration.
 */
@Command(
    name = "gatehouse",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "Security gateway for agent runtimes: token-scoped access, workspace isolation, "
        + "sealed secrets and a tamper-evident audit trail in front of an elizaOS server.",
    subcommands = {ServeCommand.class, ConfigCommand.class, WorkspaceCommand.class, TokenCommand.class, KeysCommand.class, AuditCommand.class,
        AlertsCommand.class, RulesCommand.class, BlockCommand.class, EgressCommand.class, UsageCommand.class, DetectCommand.class, SecretsCommand.class, CompletionCommand.class,
        CommandLine.HelpCommand.class},
    footer = {
        "",
        "Run `gatehouse serve --help` for the gateway's options and",
        "`gatehouse secrets --help` for sealing character secrets.",
        "Exit codes: 0 success, 1 operation failed, 2 bad usage or configuration."})
public final class Main implements Runnable {

  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;
  /** Help text is wrapped at this many columns. */
  static final int USAGE_WIDTH = 100;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The full command tree, for tests and embedding. */
  public static CommandLine commandLine() {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    CommandLine cli = new CommandLine(new Main());
    cli.setUsageHelpWidth(USAGE_WIDTH);
    cli.setExitCodeExceptionMapper(e -> EXIT_FAILED);
    // Token and key ids are base64url, so some begin with '-': `--jti -hQ2...` must take the id
    // as the value, not print the help. (A positional id goes after `--`.)
    cli.setAllowOptionsAsOptionParameters(true);
    return cli;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command, e.g. `gatehouse serve`");
  }

  /** Reports the build's version for {@code --version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"gatehouse " + Version.current(), "Java " + Runtime.version()};
    }
  }
}
