package dev.gatehouse.gateway.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse egress keys|budgets|credentials}: the workspaces' model-provider keys, their
 * model-call budgets and their agents' egress credentials, through the admin API. Exit codes as
 * for {@link WorkspaceCommand}.
 */
@Command(
    name = "egress",
    mixinStandardHelpOptions = true,
    description = "Manage provider keys, model-call budgets and egress credentials of workspaces.",
    subcommands = {EgressCommand.Keys.class, EgressCommand.Budgets.class, EgressCommand.Credentials.class},
    footer = {
        "",
        "Examples:",
        "  gatehouse egress keys set WORKSPACE openai < openai-key.txt",
        "  gatehouse egress keys list WORKSPACE",
        "  gatehouse egress budgets set WORKSPACE --window 1d --max-tokens 2000000 --max-cost 25",
        "  gatehouse egress budgets set WORKSPACE --agent AGENT --window 1h --max-requests 600",
        "  gatehouse egress budgets show WORKSPACE",
        "  gatehouse egress credentials revoke WORKSPACE 3f9c0a1b2c3d4e5f",
        "",
        "Exit codes: 0 success, 1 refused or unreachable, 2 bad usage or missing token file."})
public final class EgressCommand implements Runnable {

  /** Longest key read from stdin or a file. */
  static final int MAX_KEY_BYTES = 4096;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand, e.g. `egress keys list`");
  }

  static String workspacePath(String workspace) {
    return "/workspaces/" + CliPaths.segment(workspace);
  }

  @Command(name = "keys", mixinStandardHelpOptions = true, description = "A workspace's model-provider keys.",
      subcommands = {Keys.Set.class, Keys.ListAll.class, Keys.Delete.class})
  static final class Keys implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand, e.g. `egress keys list`");
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
        description = "Store the workspace's key for a provider (openai or anthropic), read from stdin or --key-file; "
            + "it is sealed before it is stored and never shown again.")
    static final class Set extends FormattedCall {
      @Parameters(index = "0", paramLabel = "WORKSPACE")
      String workspace;
      @Parameters(index = "1", paramLabel = "PROVIDER")
      String provider;
      @Option(names = "--key-file", paramLabel = "FILE", description = "Read the key from this file instead of stdin.")
      Path keyFile;

      @Override
      public Integer call() {
        String key;
        try (InputStream in = keyFile == null ? System.in : Files.newInputStream(keyFile)) {
          byte[] bytes = in.readNBytes(MAX_KEY_BYTES + 1);
          key = new String(bytes, StandardCharsets.UTF_8).strip();
          if (bytes.length > MAX_KEY_BYTES || key.isEmpty()) {
            spec.commandLine().getErr().println("the key must be one line of at most " + MAX_KEY_BYTES + " bytes");
            return 2;
          }
        } catch (IOException e) {
          spec.commandLine().getErr().println("cannot read the key: " + e.getClass().getSimpleName());
          return 2;
        }
        return print("PUT", workspacePath(workspace) + "/provider-keys/" + CliPaths.segment(provider),
            new JsonObject().put("key", key), b -> "stored the " + provider + " key of workspace " + workspace);
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Which provider keys a workspace has.")
    static final class ListAll extends FormattedCall {
      @Parameters(paramLabel = "WORKSPACE")
      String workspace;

      @Override
      public Integer call() {
        return print("GET", workspacePath(workspace) + "/provider-keys", null, page -> {
          TextTable table = new TextTable("PROVIDER", "UPDATED");
          for (Object item : page.getJsonArray("keys")) {
            JsonObject k = (JsonObject) item;
            table.row(k.getString("provider"), k.getString("updatedAt"));
          }
          return table.toString();
        });
      }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a workspace's provider key.")
    static final class Delete extends FormattedCall {
      @Parameters(index = "0", paramLabel = "WORKSPACE")
      String workspace;
      @Parameters(index = "1", paramLabel = "PROVIDER")
      String provider;

      @Override
      public Integer call() {
        return print("DELETE", workspacePath(workspace) + "/provider-keys/" + CliPaths.segment(provider), null,
            b -> "removed the " + provider + " key of workspace " + workspace);
      }
    }
  }

  @Command(name = "budgets", mixinStandardHelpOptions = true, description = "Model-call budgets of a workspace and its agents.",
      subcommands = {Budgets.Set.class, Budgets.Show.class, Budgets.Delete.class})
  static final class Budgets implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand, e.g. `egress budgets show`");
    }

    static String path(String workspace, String agent) {
      return workspacePath(workspace) + (agent == null ? "/budget" : "/agents/" + CliPaths.segment(agent) + "/budget");
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
        description = "Set the budget of the workspace, or of one agent with --agent, per window; a limit left out does not apply.")
    static final class Set extends FormattedCall {
      @Parameters(paramLabel = "WORKSPACE")
      String workspace;
      @Option(names = "--agent", paramLabel = "AGENT")
      String agent;
      @Option(names = "--window", required = true, paramLabel = "PERIOD", converter = DurationOption.class,
          description = "e.g. 1h, 1d, 30d.")
      Duration window;
      @Option(names = "--max-requests", paramLabel = "N")
      Long maxRequests;
      @Option(names = "--max-tokens", paramLabel = "N")
      Long maxTokens;
      @Option(names = "--max-cost", paramLabel = "DOLLARS", description = "Spend ceiling in US dollars, e.g. 25 or 0.5.")
      BigDecimal maxCost;

      @Override
      public Integer call() {
        JsonObject body = new JsonObject().put("window", window.toString()).put("maxRequests", maxRequests)
            .put("maxTokens", maxTokens);
        if (maxCost != null) {
          body.put("maxCostMicros", maxCost.movePointRight(6).longValue());
        }
        return print("PUT", path(workspace, agent), body, b -> "set the budget of "
            + (agent == null ? "workspace " + workspace : "agent " + agent));
      }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a workspace's budgets.")
    static final class Show extends FormattedCall {
      @Parameters(paramLabel = "WORKSPACE")
      String workspace;

      @Override
      public Integer call() {
        return print("GET", workspacePath(workspace) + "/budgets", null, page -> {
          TextTable table = new TextTable("SCOPE", "WINDOW", "MAX REQUESTS", "MAX TOKENS", "MAX COST (USD)");
          for (Object item : page.getJsonArray("budgets")) {
            JsonObject b = (JsonObject) item;
            table.row(b.getString("agent") == null ? "workspace" : "agent " + b.getString("agent"),
                Duration.ofSeconds(b.getLong("windowSeconds")).toString(), text(b.getLong("maxRequests")),
                text(b.getLong("maxTokens")), UsageCommand.dollars(b.getLong("maxCostMicros")));
          }
          return table.toString();
        });
      }

      private static String text(Long value) {
        return value == null ? "-" : value.toString();
      }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove the workspace's or an agent's budget.")
    static final class Delete extends FormattedCall {
      @Parameters(paramLabel = "WORKSPACE")
      String workspace;
      @Option(names = "--agent", paramLabel = "AGENT")
      String agent;

      @Override
      public Integer call() {
        return print("DELETE", path(workspace, agent), null, b -> "removed the budget");
      }
    }
  }

  @Command(name = "credentials", mixinStandardHelpOptions = true, description = "The agents' egress credentials.",
      subcommands = {Credentials.ListAll.class, Credentials.Revoke.class})
  static final class Credentials implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand, e.g. `egress credentials list`");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a workspace's egress credentials (public ids only).")
    static final class ListAll extends FormattedCall {
      @Parameters(paramLabel = "WORKSPACE")
      String workspace;

      @Override
      public Integer call() {
        return print("GET", workspacePath(workspace) + "/egress-credentials", null, page -> {
          TextTable table = new TextTable("ID", "AGENT", "CREATED", "REVOKED");
          for (Object item : page.getJsonArray("credentials")) {
            JsonObject c = (JsonObject) item;
            table.row(c.getString("id"), c.getString("agent"), c.getString("createdAt"),
                c.getString("revokedAt") == null ? "-" : c.getString("revokedAt"));
          }
          return table.toString();
        });
      }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke an egress credential: its next model call is refused on every node.")
    static final class Revoke extends FormattedCall {
      @Parameters(index = "0", paramLabel = "WORKSPACE")
      String workspace;
      @Parameters(index = "1", paramLabel = "ID")
      String id;

      @Override
      public Integer call() {
        return print("DELETE", workspacePath(workspace) + "/egress-credentials/" + CliPaths.segment(id), null,
            b -> "revoked egress credential " + id);
      }
    }
  }
}
