package dev.gatehouse.gateway.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse rules list|disable|enable|override}: the detection rule catalogue and the
 * operators' settings, through the admin API. A change is stored in PostgreSQL and applied by
 * every node without a restart. Tables by default, {@code --json} for machines.
 */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "List detection rules, switch one off or on, or override its threshold (a running `gatehouse serve`).",
    subcommands = {RulesCommand.ListAll.class, RulesCommand.Disable.class, RulesCommand.Enable.class,
        RulesCommand.SetThreshold.class},
    footer = {
        "",
        "Examples:",
        "  gatehouse rules list",
        "  gatehouse rules disable D07",
        "  gatehouse rules enable D07",
        "  gatehouse rules override D01 --threshold 50",
        "  gatehouse rules override D01 --clear",
        "",
        "Exit codes: 0 success, 1 refused or unreachable, 2 bad usage or missing token file."})
public final class RulesCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand, e.g. `rules list`");
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "The rule catalogue: thresholds and windows, whether each runs, and any override.")
  static final class ListAll extends FormattedCall {
    @Override
    public Integer call() {
      return print("GET", "/rules", null, page -> {
        TextTable table = new TextTable("ID", "SEVERITY", "KIND", "WINDOW", "THRESHOLD", "ENABLED", "OVERRIDE", "TITLE");
        for (Object item : page.getJsonArray("rules")) {
          JsonObject r = (JsonObject) item;
          JsonObject override = r.getJsonObject("override");
          table.row(r.getString("id"), r.getString("severity"), r.getString("kind"), dash(r.getString("window")),
              dash(r.getValue("threshold")), r.getBoolean("enabled") ? "yes" : "no",
              override == null ? "-" : override.getLong("threshold") + " (" + override.getString("updatedBy") + ")",
              r.getString("title"));
        }
        return table.toString();
      });
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = "Stop a rule on every node; its open alerts stay, no new ones are raised.")
  static final class Disable extends FormattedCall {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return print("POST", "/rules/" + CliPaths.segment(id) + "/disable", null, RulesCommand::describe);
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Run a disabled rule again on every node.")
  static final class Enable extends FormattedCall {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return print("POST", "/rules/" + CliPaths.segment(id) + "/enable", null, RulesCommand::describe);
    }
  }

  @Command(name = "override", mixinStandardHelpOptions = true,
      description = "Replace a rule's threshold on every node, or go back to its own (--clear).")
  static final class SetThreshold extends FormattedCall {
    @Parameters(paramLabel = "ID")
    String id;
    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Change change;

    static final class Change {
      @Option(names = "--threshold", paramLabel = "N", description = "The new threshold, 1 or more.")
      Long threshold;
      @Option(names = "--clear", description = "Remove the override.")
      boolean clear;
    }

    @Override
    public Integer call() {
      String path = "/rules/" + CliPaths.segment(id) + "/threshold";
      return change.clear ? print("DELETE", path, null, RulesCommand::describe)
          : print("PUT", path, new JsonObject().put("threshold", change.threshold), RulesCommand::describe);
    }
  }

  static String describe(JsonObject r) {
    return r.getString("id") + " " + (r.getBoolean("enabled") ? "enabled" : "disabled") + ", threshold "
        + dash(r.getValue("effectiveThreshold"))
        + (r.getJsonObject("override") == null ? "" : " (overridden; the rule's own is " + r.getValue("threshold") + ")")
        + ": " + r.getString("title");
  }

  private static String dash(Object value) {
    return value == null ? "-" : value.toString();
  }
}
