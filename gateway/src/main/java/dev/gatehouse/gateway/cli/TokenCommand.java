package dev.gatehouse.gateway.cli;

import dev.gatehouse.gateway.Main;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse token create|list|revoke}: mints, lists and revokes Gatehouse access tokens
 * through the admin API. {@code create} prints the token once (with its metadata); it is never
 * stored and cannot be shown again. A table by default, the API's JSON with {@code --json}. Exit
 * codes as for {@link WorkspaceCommand}.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Mint, list and revoke access tokens through the admin API (a running `gatehouse serve`).",
    subcommands = {TokenCommand.Create.class, TokenCommand.ListAll.class, TokenCommand.Revoke.class},
    footer = {
        "",
        "Roles (named scope sets): owner, operator, member, viewer, runtime, security-analyst.",
        "",
        "Examples:",
        "  gatehouse token create --workspace 5f0c...-uuid --subject agent-7 --scopes agents:read,messages:write --ttl 1h",
        "  gatehouse token create --workspace 5f0c...-uuid --subject alice --role member --ttl 8h",
        "  gatehouse token create --workspace 5f0c...-uuid --subject ci --role viewer --ttl PT30M --json | jq -r .token",
        "  gatehouse token list --workspace 5f0c...-uuid",
        "  gatehouse token revoke 3q2-jti",
        "  gatehouse token revoke --subject alice",
        "  gatehouse token revoke --issuer https://idp.example.com --subject alice",
        "",
        "Exit codes: 0 success, 1 refused or unreachable, 2 bad usage or missing token file."})
public final class TokenCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand, e.g. `token create`");
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Mint a token. It is printed once and never stored.")
  static final class Create extends FormattedCall {
    @Option(names = "--workspace", required = true, paramLabel = "ID", description = "Workspace id.")
    String workspace;
    @Option(names = "--subject", required = true, paramLabel = "S", description = "Who the token speaks for.")
    String subject;
    @Option(names = "--scopes", split = ",", paramLabel = "a,b", description = "Scopes, comma-separated.")
    List<String> scopes = new ArrayList<>();
    @Option(names = "--role", paramLabel = "ROLE", description = "A role whose scopes are added.")
    String role;
    @Option(names = "--ttl", defaultValue = "1h", paramLabel = "DURATION", converter = DurationOption.class,
        description = "Lifetime such as 90s, 15m, 1h, 7d or PT15M (default: ${DEFAULT-VALUE}; at most tokens.maxTtl).")
    Duration ttl;
    @Option(names = "--description", paramLabel = "TEXT", description = "Free text shown in listings.")
    String description;

    @Override
    public Integer call() {
      JsonObject body = new JsonObject().put("workspace", workspace).put("subject", subject).put("ttl", ttl.toString())
          .put("scopes", new JsonArray(new ArrayList<>(scopes)));
      if (role != null) {
        body.put("role", role);
      }
      if (description != null) {
        body.put("description", description);
      }
      return print("POST", "/tokens", body, minted -> table(new JsonArray().add(minted))
          + "\ntoken (shown once, never stored): " + minted.getString("token"));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List token metadata (never tokens).")
  static final class ListAll extends FormattedCall {
    @Option(names = "--workspace", paramLabel = "ID")
    String workspace;
    @Option(names = "--subject", paramLabel = "S")
    String subject;
    @Option(names = "--limit", defaultValue = "100", paramLabel = "N")
    int limit;

    @Override
    public Integer call() {
      StringBuilder query = new StringBuilder("?limit=").append(limit);
      if (workspace != null) {
        query.append("&workspace=").append(CliPaths.segment(workspace));
      }
      if (subject != null) {
        query.append("&subject=").append(CliPaths.segment(subject));
      }
      return print("GET", "/tokens" + query, null, page -> table(page.getJsonArray("tokens")));
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = {"Revoke one token (JTI), or all tokens of a subject or of a workspace.",
          "With --issuer, revoke an external issuer's token (JTI) or every token of its subject issued until now."})
  static final class Revoke extends FormattedCall {
    @Parameters(paramLabel = "JTI", arity = "0..1")
    String jti;
    @Option(names = "--subject", paramLabel = "S")
    String subject;
    @Option(names = "--workspace", paramLabel = "ID")
    String workspace;
    @Option(names = "--issuer", paramLabel = "ISS", description = "A registered external issuer (its exact iss).")
    String issuer;
    @Option(names = "--reason", paramLabel = "TEXT")
    String reason;

    @Override
    public Integer call() {
      JsonObject body = new JsonObject();
      int selectors = 0;
      if (jti != null) {
        body.put("jti", jti);
        selectors++;
      }
      if (subject != null) {
        body.put("subject", subject);
        selectors++;
      }
      if (workspace != null) {
        body.put("workspace", workspace);
        selectors++;
      }
      if (selectors != 1) {
        spec.commandLine().getErr().println("gatehouse: give exactly one of JTI, --subject, --workspace");
        return Main.EXIT_USAGE;
      }
      if (issuer != null) {
        if (workspace != null) {
          spec.commandLine().getErr().println("gatehouse: --issuer takes JTI or --subject; to cut off a workspace, "
              + "use `gatehouse workspace lock`");
          return Main.EXIT_USAGE;
        }
        body.put("issuer", issuer);
      }
      if (reason != null) {
        body.put("reason", reason);
      }
      return print("POST", "/tokens/revoke", body, TokenCommand::revoked);
    }
  }

  static String table(JsonArray tokens) {
    TextTable table = new TextTable("JTI", "WORKSPACE", "SUBJECT", "SCOPES", "EXPIRES", "STATUS", "DESCRIPTION");
    for (Object item : tokens) {
      JsonObject t = (JsonObject) item;
      table.row(t.getString("jti"), t.getString("workspace"), t.getString("subject"),
          String.join(",", t.getJsonArray("scopes", new JsonArray()).stream().map(String::valueOf).toList()),
          t.getString("expiresAt"), t.getString("status"), t.getString("description"));
    }
    return table.toString();
  }

  /** Gatehouse tokens revoked (their ids), or an external issuer's revocation. */
  static String revoked(JsonObject answer) {
    if (answer.containsKey("issuer")) {
      return new TextTable("ISSUER", answer.containsKey("jti") ? "JTI" : "SUBJECT", "REVOKED", "UNTIL")
          .row(answer.getString("issuer"), answer.containsKey("jti") ? answer.getString("jti")
              : answer.getString("subject"), answer.getString("revokedAt"), answer.getString("until"))
          .toString();
    }
    TextTable table = new TextTable("REVOKED JTI");
    answer.getJsonArray("jtis", new JsonArray()).forEach(table::row);
    return table + "\n" + answer.getInteger("revoked", 0) + " token(s) revoked";
  }
}
