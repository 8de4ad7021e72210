package dev.gatehouse.gateway.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Base of the admin commands that print what the admin API answered: a table by default, and with
 * {@code --json} the API's JSON as it was answered (pretty-printed), for scripts.
 */
abstract class FormattedCall extends AdminCall {

  @Option(names = "--json", description = "Print the admin API's JSON instead of a table.")
  boolean json;

  /**
   * Sends one request and prints a 2xx answer through {@code table}, or as JSON with
   * {@code --json}; an error answer goes to stderr as one line. Returns the exit code: 0, 1
   * (refused or unreachable), 2 (no token file or an invalid configuration).
   */
  int print(String method, String path, JsonObject body, Function<JsonObject, String> table) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AdminConnection.Answer answer = admin.send(method, path, body, AdminConnection.TIMEOUT, err);
    if (answer.response() == null) {
      return answer.exit();
    }
    if (!answer.succeeded()) {
      return AdminConnection.refused(answer.response(), err);
    }
    String text = answer.response().body();
    JsonObject parsed = text.isEmpty() ? new JsonObject() : new JsonObject(text);
    out.println(json ? parsed.encodePrettily() : table.apply(parsed));
    out.flush();
    return 0;
  }
}
