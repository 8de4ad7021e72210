package dev.gatehouse.gateway.cli;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse block add|list|remove}: client addresses every node refuses (403) until the
 * block expires, through the admin API. Exit codes as for {@link WorkspaceCommand}.
 */
@Command(
    name = "block",
    mixinStandardHelpOptions = true,
    description = "Block client addresses for a while (every node refuses them with 403), list and lift blocks.",
    subcommands = {BlockCommand.Add.class, BlockCommand.ListAll.class, BlockCommand.Remove.class},
    footer = {
        "",
        "Examples:",
        "  gatehouse block add 203.0.113.9 --for 1h --reason \"credential stuffing, alert 0b6c...\"",
        "  gatehouse block list",
        "  gatehouse block remove 203.0.113.9",
        "",
        "Exit codes: 0 success, 1 refused or unreachable, 2 bad usage or missing token file."})
public final class BlockCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand, e.g. `block list`");
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Block an IP address for a period.")
  static final class Add extends FormattedCall {
    @Parameters(paramLabel = "ADDRESS")
    String address;
    @Option(names = "--for", required = true, paramLabel = "PERIOD", converter = DurationOption.class,
        description = "e.g. 90s, 30m, 1h, 7d or PT12H (at most 30d).")
    Duration period;
    @Option(names = "--reason", required = true, paramLabel = "TEXT")
    String reason;

    @Override
    public Integer call() {
      JsonObject body = new JsonObject().put("address", address).put("for", period.toString()).put("reason", reason);
      return print("POST", "/blocks", body, b -> "blocked " + b.getString("address") + " until "
          + b.getString("expiresAt"));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List blocks in force.")
  static final class ListAll extends FormattedCall {

    @Override
    public Integer call() {
      return print("GET", "/blocks", null, page -> {
        TextTable table = new TextTable("ADDRESS", "UNTIL", "BY", "REASON");
        for (Object item : page.getJsonArray("blocks")) {
          JsonObject b = (JsonObject) item;
          table.row(b.getString("address"), b.getString("expiresAt"), b.getString("createdBy"), b.getString("reason"));
        }
        return table.toString();
      });
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Lift a block.")
  static final class Remove extends FormattedCall {
    @Parameters(paramLabel = "ADDRESS")
    String address;

    @Override
    public Integer call() {
      return print("DELETE", "/blocks/" + CliPaths.segment(address), null, b -> "unblocked " + address);
    }
  }
}
