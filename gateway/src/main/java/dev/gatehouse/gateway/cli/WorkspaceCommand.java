package dev.gatehouse.gateway.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse workspace create|list|get|lock|unlock}: manages workspaces through the admin
 * API of a running node. Prints the API's JSON answer; exit 0 on success, 1 when the API refuses
 * or cannot be reached, 2 for bad usage or a missing token file.
 */
@Command(
    name = "workspace",
    mixinStandardHelpOptions = true,
    description = "Manage workspaces through the admin API (a running `gatehouse serve`).",
    subcommands = {
        WorkspaceCommand.Create.class, WorkspaceCommand.ListAll.class, WorkspaceCommand.Get.class,
        WorkspaceCommand.Lock.class, WorkspaceCommand.Unlock.class},
    footer = {
        "",
        "Examples:",
        "  gatehouse workspace create acme",
        "  gatehouse workspace list",
        "  gatehouse workspace lock 5f0c...-uuid",
        "",
        "Exit codes: 0 success, 1 refused or unreachable, 2 bad usage or missing token file."})
public final class WorkspaceCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand, e.g. `workspace create NAME`");
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an active workspace.")
  static final class Create extends AdminCall {
    @Parameters(paramLabel = "NAME", description = "Letters, digits, '_', '.', '-'; at most 64 characters.")
    String name;

    @Override
    public Integer call() {
      return send("POST", "/workspaces", new JsonObject().put("name", name));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List workspaces.")
  static final class ListAll extends AdminCall {
    @Override
    public Integer call() {
      return send("GET", "/workspaces", null);
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one workspace.")
  static final class Get extends AdminCall {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return send("GET", "/workspaces/" + CliPaths.segment(id), null);
    }
  }

  @Command(name = "lock", mixinStandardHelpOptions = true,
      description = "Lock a workspace: its tokens are refused on every node until it is unlocked.")
  static final class Lock extends AdminCall {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return send("POST", "/workspaces/" + CliPaths.segment(id) + "/lock", null);
    }
  }

  @Command(name = "unlock", mixinStandardHelpOptions = true, description = "Unlock a workspace.")
  static final class Unlock extends AdminCall {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return send("POST", "/workspaces/" + CliPaths.segment(id) + "/unlock", null);
    }
  }
}
