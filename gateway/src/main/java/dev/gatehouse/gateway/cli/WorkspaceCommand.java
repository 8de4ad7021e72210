package dev.gatehouse.gateway.cli;

import dev.gatehouse.gateway.Main;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.Console;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse workspace create|list|get|lock|unlock|delete|runtime}: manages workspaces through the
 * admin API of a running node. Prints a table, or the API's JSON answer with {@code --json}; exit 0
 * on success, 1 when the API refuses or cannot be reached, 2 for bad usage, a missing token file or
 * a deletion not confirmed.
 */
@Command(
    name = "workspace",
    mixinStandardHelpOptions = true,
    description = "Manage workspaces through the admin API (a running `gatehouse serve`).",
    subcommands = {
        WorkspaceCommand.Create.class, WorkspaceCommand.ListAll.class, WorkspaceCommand.Get.class,
        WorkspaceCommand.Lock.class, WorkspaceCommand.Unlock.class, WorkspaceCommand.Delete.class,
        WorkspaceCommand.Runtime.class},
    footer = {
        "",
        "Examples:",
        "  gatehouse workspace create acme",
        "  gatehouse workspace list",
        "  gatehouse workspace list --json | jq -r '.workspaces[].id'",
        "  gatehouse workspace lock 5f0c...-uuid",
        "  gatehouse workspace delete 5f0c...-uuid          (asks you to type the id again)",
        "  gatehouse workspace runtime set 5f0c...-uuid --url https://eliza-acme.internal:3000 --key-file acme.key",
        "",
        "Exit codes: 0 success, 1 refused or unreachable, 2 bad usage, missing token file or deletion not confirmed."})
public final class WorkspaceCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand, e.g. `workspace create NAME`");
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an active workspace.")
  static final class Create extends FormattedCall {
    @Parameters(paramLabel = "NAME", description = "Letters, digits, '_', '.', '-'; at most 64 characters.")
    String name;

    @Override
    public Integer call() {
      return print("POST", "/workspaces", new JsonObject().put("name", name), WorkspaceCommand::table);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List workspaces.")
  static final class ListAll extends FormattedCall {
    @Override
    public Integer call() {
      return print("GET", "/workspaces", null, page -> table(page.getJsonArray("workspaces")));
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one workspace.")
  static final class Get extends FormattedCall {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return print("GET", "/workspaces/" + CliPaths.segment(id), null, WorkspaceCommand::table);
    }
  }

  @Command(name = "lock", mixinStandardHelpOptions = true,
      description = "Lock a workspace: its tokens are refused on every node until it is unlocked.")
  static final class Lock extends FormattedCall {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return print("POST", "/workspaces/" + CliPaths.segment(id) + "/lock", null, WorkspaceCommand::table);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = {"Delete a workspace for good: its tokens are refused on every node and it can never be "
          + "unlocked; the runtime Gatehouse runs for it is stopped and its data (agents, conversations, memories) "
          + "erased. The workspace's id stays recorded for the audit trail.",
          "Asks you to type the id again, unless --yes is given; without a terminal, --yes is required."})
  static final class Delete extends FormattedCall {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--yes", description = "Delete without asking.")
    boolean yes;

    @Override
    public Integer call() {
      if (!yes && !confirmed()) {
        spec.commandLine().getErr().println("gatehouse: workspace " + id + " was not deleted (not confirmed;"
            + " type the id at the prompt or pass --yes)");
        spec.commandLine().getErr().flush();
        return Main.EXIT_USAGE;
      }
      return print("DELETE", "/workspaces/" + CliPaths.segment(id), null, WorkspaceCommand::table);
    }

    private boolean confirmed() {
      Console console = System.console();
      if (console == null) {
        return false;
      }
      String typed = console.readLine("This erases workspace %s and its runtime's data. Type its id to confirm: ", id);
      return id.equals(typed == null ? null : typed.trim());
    }
  }

  @Command(name = "unlock", mixinStandardHelpOptions = true, description = "Unlock a workspace.")
  static final class Unlock extends FormattedCall {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return print("POST", "/workspaces/" + CliPaths.segment(id) + "/unlock", null, WorkspaceCommand::table);
    }
  }

  @Command(name = "runtime", mixinStandardHelpOptions = true,
      description = {"Where a workspace's runtime runs: on the gateway's own runtime tier (local, the default), or on "
          + "an elizaOS runtime you run elsewhere (remote), reached with its URL and API key "
          + "(its ELIZA_SERVER_AUTH_TOKEN). Takes effect on every node without a restart."},
      subcommands = {Runtime.Show.class, Runtime.Set.class, Runtime.Clear.class})
  static final class Runtime implements java.lang.Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand: show, set or clear");
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show where the workspace's runtime runs.")
    static final class Show extends FormattedCall {
      @Parameters(paramLabel = "ID")
      String id;

      @Override
      public Integer call() {
        return print("GET", "/workspaces/" + CliPaths.segment(id) + "/runtime", null, Runtime::table);
      }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
        description = "Send the workspace's requests and sockets to a runtime you run. The key is read from a file "
            + "(or standard input with -), stored sealed, and never printed.")
    static final class Set extends FormattedCall {
      @Parameters(paramLabel = "ID")
      String id;

      @Option(names = "--url", required = true, paramLabel = "URL",
          description = "The runtime's base URL: http(s)://host[:port], no path.")
      String url;

      @Option(names = "--key-file", required = true, paramLabel = "FILE",
          description = "File holding the runtime's API key (its ELIZA_SERVER_AUTH_TOKEN); - reads standard input.")
      String keyFile;

      @Override
      public Integer call() {
        String key;
        try {
          key = ("-".equals(keyFile) ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              : java.nio.file.Files.readString(java.nio.file.Path.of(keyFile))).strip();
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
          spec.commandLine().getErr().println("gatehouse: cannot read the key file " + keyFile);
          spec.commandLine().getErr().flush();
          return Main.EXIT_USAGE;
        }
        return print("PUT", "/workspaces/" + CliPaths.segment(id) + "/runtime",
            new JsonObject().put("url", url).put("apiKey", key), Runtime::table);
      }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
        description = "Send the workspace back to the gateway's own runtime tier.")
    static final class Clear extends FormattedCall {
      @Parameters(paramLabel = "ID")
      String id;

      @Override
      public Integer call() {
        return print("DELETE", "/workspaces/" + CliPaths.segment(id) + "/runtime", null, Runtime::table);
      }
    }

    static String table(JsonObject placement) {
      return new TextTable("WORKSPACE", "PLACEMENT", "URL")
          .row(placement.getString("workspace"), placement.getString("placement"), placement.getString("url"))
          .toString();
    }
  }

  static String table(JsonObject workspace) {
    return table(new JsonArray().add(workspace));
  }

  static String table(JsonArray workspaces) {
    TextTable table = new TextTable("ID", "NAME", "STATUS", "CREATED", "LOCKED");
    for (Object item : workspaces) {
      JsonObject w = (JsonObject) item;
      table.row(w.getString("id"), w.getString("name"), w.getString("status"), w.getString("createdAt"),
          w.getString("lockedAt"));
    }
    return table.toString();
  }
}
