package dev.gatehouse.gateway.cli;

import dev.gatehouse.gateway.Main;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse alerts list|show|ack|resolve|suppress}: alert triage through the admin API.
 * Human tables by default, {@code --json} for machines. Exit codes as for {@link WorkspaceCommand}.
 */
@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    description = "List, inspect, acknowledge, resolve and suppress detector alerts (a running `gatehouse serve`).",
    subcommands = {AlertsCommand.ListAll.class, AlertsCommand.Show.class, AlertsCommand.Assign.class,
        AlertsCommand.Ack.class, AlertsCommand.Resolve.class, AlertsCommand.Suppress.class},
    footer = {
        "",
        "Examples:",
        "  gatehouse alerts list --status open",
        "  gatehouse alerts list --severity high --since 24h",
        "  gatehouse alerts show 0b6c...-uuid",
        "  gatehouse alerts assign 0b6c...-uuid --to ann",
        "  gatehouse alerts ack 0b6c...-uuid --note \"looking into it\"",
        "  gatehouse alerts resolve 0b6c...-uuid --disposition true-positive --note \"token revoked\"",
        "  gatehouse alerts suppress --rule D01 --entity client_address=198.51.100.7 --for 24h --reason \"load test\"",
        "",
        "Exit codes: 0 success, 1 refused or unreachable, 2 bad usage or missing token file."})
public final class AlertsCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand, e.g. `alerts list`");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List alerts, newest first.")
  static final class ListAll extends FormattedCall {
    @Option(names = "--status", paramLabel = "S", description = "open, acknowledged or resolved.")
    String status;
    @Option(names = "--rule", paramLabel = "ID", description = "Rule id, e.g. D05.")
    String rule;
    @Option(names = "--workspace", paramLabel = "ID", description = "Workspace id.")
    String workspace;
    @Option(names = "--severity", paramLabel = "S", description = "low, medium, high or critical.")
    String severity;
    @Option(names = "--from", paramLabel = "TIME", description = "Raised at or after TIME (ISO-8601).")
    String from;
    @Option(names = "--since", paramLabel = "DURATION", converter = DurationOption.class,
        description = "Raised at or after this long ago, e.g. 1h or 7d (instead of --from).")
    Duration since;
    @Option(names = "--to", paramLabel = "TIME", description = "Raised before TIME (ISO-8601).")
    String to;
    @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "At most N (default: ${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue after a previous page.")
    String cursor;

    @Override
    public Integer call() {
      if (since != null && from != null) {
        spec.commandLine().getErr().println("gatehouse: use either --from or --since, not both");
        return Main.EXIT_USAGE;
      }
      AuditCommand.Query query = new AuditCommand.Query().add("limit", Integer.toString(limit))
          .add("status", status).add("rule", rule).add("severity", severity).add("workspace", workspace)
          .add("from", since == null ? from : Instant.now().minus(since).toString()).add("to", to)
          .add("cursor", cursor);
      return print("GET", "/alerts" + query, null, page -> {
        TextTable table = new TextTable("ID", "RULE", "SEVERITY", "STATUS", "COUNT", "LAST SEEN", "ENTITY", "TITLE");
        for (Object item : page.getJsonArray("alerts")) {
          JsonObject a = (JsonObject) item;
          table.row(a.getString("id"), a.getString("rule"), a.getString("severity"), a.getString("status"),
              a.getLong("count"), a.getString("lastSeen"), a.getString("entity"), a.getString("title"));
        }
        String next = page.getString("nextCursor");
        return next == null ? table.toString() : table + "\n"
            + "More alerts match; see the next " + limit + " with the same options and --cursor " + next;
      });
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One alert with its evidence (audit event references), responses and history.")
  static final class Show extends FormattedCall {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return print("GET", "/alerts/" + CliPaths.segment(id), null, AlertsCommand::describe);
    }
  }

  @Command(name = "assign", mixinStandardHelpOptions = true,
      description = "Assign an open or acknowledged alert to the analyst who works on it.")
  static final class Assign extends FormattedCall {
    @Parameters(paramLabel = "ID")
    String id;
    @Option(names = "--to", required = true, paramLabel = "NAME")
    String assignee;

    @Override
    public Integer call() {
      return print("POST", "/alerts/" + CliPaths.segment(id) + "/assign", new JsonObject().put("assignee", assignee),
          AlertsCommand::describe);
    }
  }

  @Command(name = "ack", mixinStandardHelpOptions = true, description = "Acknowledge an open alert.")
  static final class Ack extends FormattedCall {
    @Parameters(paramLabel = "ID")
    String id;
    @Option(names = "--note", paramLabel = "TEXT")
    String note;

    @Override
    public Integer call() {
      JsonObject body = new JsonObject();
      if (note != null) {
        body.put("note", note);
      }
      return print("POST", "/alerts/" + CliPaths.segment(id) + "/ack", body, AlertsCommand::describe);
    }
  }

  @Command(name = "resolve", mixinStandardHelpOptions = true, description = "Resolve an alert with a disposition.")
  static final class Resolve extends FormattedCall {
    @Parameters(paramLabel = "ID")
    String id;
    @Option(names = "--disposition", required = true, paramLabel = "D",
        description = "true-positive, benign or false-positive.")
    String disposition;
    @Option(names = "--note", paramLabel = "TEXT")
    String note;

    @Override
    public Integer call() {
      JsonObject body = new JsonObject().put("disposition", disposition.replace('-', '_'));
      if (note != null) {
        body.put("note", note);
      }
      return print("POST", "/alerts/" + CliPaths.segment(id) + "/resolve", body, AlertsCommand::describe);
    }
  }

  @Command(name = "suppress", mixinStandardHelpOptions = true,
      description = "Stop alerting on a rule (for one entity and/or workspace) for a while; matches are still counted.")
  static final class Suppress extends FormattedCall {
    @Option(names = "--rule", required = true, paramLabel = "ID")
    String rule;
    @Option(names = "--entity", paramLabel = "E", description = "Entity key, e.g. client_address=198.51.100.7.")
    String entity;
    @Option(names = "--workspace", paramLabel = "W")
    String workspace;
    @Option(names = "--for", required = true, paramLabel = "PERIOD", converter = DurationOption.class,
        description = "e.g. 90s, 30m, 24h, 7d or PT12H (at most 90d).")
    Duration period;
    @Option(names = "--reason", required = true, paramLabel = "TEXT")
    String reason;

    @Override
    public Integer call() {
      JsonObject body = new JsonObject().put("rule", rule).put("for", period.toString()).put("reason", reason);
      if (entity != null) {
        body.put("entity", entity);
      }
      if (workspace != null) {
        body.put("workspace", workspace);
      }
      return print("POST", "/suppressions", body, s -> "suppressed " + s.getString("rule")
          + (s.getString("entity") == null ? "" : " for " + s.getString("entity"))
          + (s.getString("workspace") == null ? "" : " in " + s.getString("workspace"))
          + " until " + s.getString("expiresAt") + " (id " + s.getString("id") + ")");
    }
  }

  static String describe(JsonObject a) {
    StringBuilder out = new StringBuilder();
    out.append(a.getString("id")).append("  ").append(a.getString("rule")).append("  ")
        .append(a.getString("severity")).append("  ").append(a.getString("status"))
        .append(a.getString("disposition") == null ? "" : " (" + a.getString("disposition") + ")").append('\n')
        .append(a.getString("title")).append('\n')
        .append("entity     ").append(a.getString("entity")).append('\n')
        .append("workspace  ").append(a.getString("workspace") == null ? "-" : a.getString("workspace")).append('\n')
        .append("assignee   ").append(a.getString("assignee") == null ? "-" : a.getString("assignee")).append('\n')
        .append("attack     ").append(a.getString("attack")).append('\n')
        .append("runbook    ").append(a.getString("runbook")).append('\n')
        .append("seen       ").append(a.getString("firstSeen")).append(" .. ").append(a.getString("lastSeen"))
        .append(" (").append(a.getLong("count")).append(" findings)\n");
    JsonArray evidence = a.getJsonArray("evidence", new JsonArray());
    out.append("evidence   ");
    for (int i = 0; i < evidence.size(); i++) {
      JsonObject ref = evidence.getJsonObject(i);
      out.append(i == 0 ? "" : ", ").append(ref.getString("node") == null ? ref.getString("event_id")
          : ref.getString("node") + ":" + ref.getLong("seq"));
    }
    out.append('\n');
    TextTable responses = new TextTable("RESPONSE", "MODE", "OUTCOME", "TARGET", "AT");
    for (Object item : a.getJsonArray("responses", new JsonArray())) {
      JsonObject r = (JsonObject) item;
      responses.row(r.getString("action"), r.getString("mode"), r.getString("outcome"), r.getString("target"),
          r.getString("at"));
    }
    out.append(responses).append('\n');
    TextTable history = new TextTable("AT", "ACTOR", "ACTION", "STATUS", "NOTE");
    for (Object item : a.getJsonArray("history", new JsonArray())) {
      JsonObject h = (JsonObject) item;
      history.row(h.getString("at"), h.getString("actor"), h.getString("action"),
          h.getString("fromStatus") == null ? h.getString("toStatus") : h.getString("fromStatus") + " -> "
              + h.getString("toStatus"), h.getString("note"));
    }
    return out.append(history).toString();
  }
}
