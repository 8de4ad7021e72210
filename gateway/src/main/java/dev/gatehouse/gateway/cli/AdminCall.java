package dev.gatehouse.gateway.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of the admin-API subcommands: the connection options and the command's writers. */
abstract class AdminCall implements Callable<Integer> {

  @Mixin
  AdminConnection admin;

  @Spec
  CommandSpec spec;

  int send(String method, String path, JsonObject body) {
    return admin.call(method, path, body, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /**
   * Sends one request and prints a 2xx answer as JSON ({@code json}) or through {@code human};
   * an error answer goes to stderr as one line. Returns the exit code as {@link #send} does.
   */
  int show(String method, String path, JsonObject body, boolean json, Function<JsonObject, String> human) {
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
    out.println(json ? parsed.encodePrettily() : human.apply(parsed));
    out.flush();
    return 0;
  }
}
