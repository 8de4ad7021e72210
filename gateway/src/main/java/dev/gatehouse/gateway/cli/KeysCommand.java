package dev.gatehouse.gateway.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse keys list|rotate|retire}: the gateway's token signing keys through the admin
 * API. Only public facts are ever printed (kid, algorithm, state, times), never key material.
 * {@code rotate} makes a new key sign on every node; the previous one keeps verifying until
 * {@code retire}, after which every token it signed is refused. Exit codes as for
 * {@link WorkspaceCommand}. A table by default, the API's JSON with {@code --json}.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "List, rotate and retire the token signing keys through the admin API (a running `gatehouse serve`).",
    subcommands = {KeysCommand.ListAll.class, KeysCommand.Rotate.class, KeysCommand.Retire.class},
    footer = {
        "",
        "States: active (signs and verifies), verify-only (verifies), retired (verifies nothing, not published).",
        "",
        "Examples:",
        "  gatehouse keys list",
        "  gatehouse keys rotate                 (the node's tokens.signingAlgorithm)",
        "  gatehouse keys rotate --alg EdDSA",
        "  gatehouse keys retire 3q2x...kid",
        "",
        "Exit codes: 0 success, 1 refused or unreachable, 2 bad usage or missing token file."})
public final class KeysCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand, e.g. `keys list`");
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List every signing key, retired ones included, oldest first (public facts only).")
  static final class ListAll extends FormattedCall {
    @Override
    public Integer call() {
      return print("GET", "/keys", null, page -> table(page.getJsonArray("keys")));
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Create a new active key; the previous active key becomes verify-only.")
  static final class Rotate extends FormattedCall {
    @Option(names = "--alg", paramLabel = "ES256|EdDSA",
        description = "Algorithm of the new key (default: the node's tokens.signingAlgorithm).")
    String alg;

    @Override
    public Integer call() {
      JsonObject body = alg == null ? new JsonObject() : new JsonObject().put("alg", alg);
      return print("POST", "/keys/rotate", body, KeysCommand::table);
    }
  }

  @Command(name = "retire", mixinStandardHelpOptions = true,
      description = "Retire a verify-only key: tokens it signed are refused on every node. The active key cannot be retired.")
  static final class Retire extends FormattedCall {
    @Parameters(paramLabel = "KID")
    String kid;

    @Override
    public Integer call() {
      return print("POST", "/keys/" + CliPaths.segment(kid) + "/retire", null, KeysCommand::table);
    }
  }

  static String table(JsonObject key) {
    return table(new JsonArray().add(key));
  }

  static String table(JsonArray keys) {
    TextTable table = new TextTable("KID", "ALG", "STATE", "CREATED", "RETIRED");
    for (Object item : keys) {
      JsonObject k = (JsonObject) item;
      table.row(k.getString("kid"), k.getString("alg"), k.getString("state"), k.getString("createdAt"),
          k.getString("retiredAt"));
    }
    return table.toString();
  }
}
