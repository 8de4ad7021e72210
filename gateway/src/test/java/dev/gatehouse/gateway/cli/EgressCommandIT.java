package dev.gatehouse.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.Main;
import dev.gatehouse.gateway.admin.BootstrapToken;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.StandInModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gatehouse egress ...} and {@code gatehouse usage} against a running gateway with egress
 * on: a key set from a file is used by the listener and never printed; budgets, credentials and
 * usage are shown as tables and JSON.
 */
class EgressCommandIT {

  static final String KEY = "sk-cli-provider-key-31c9";

  @TempDir
  static Path dataDir;
  static StandInModel provider;
  static GatewayFixture node;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    provider = new StandInModel();
    node = GatewayFixture.start(dataDir, "egress.enabled=true", "egress.listen=127.0.0.1:0",
        "egress.openai.baseUrl=" + provider.baseUrl(), "egress.prices=gpt-4o-mini=0.15/0.6");
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    provider.close();
  }

  static Run gatehouse(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--admin-url", node.admin.url(), "--token-file",
        dataDir.resolve(BootstrapToken.FILE_NAME).toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Run(cli.execute(all.toArray(new String[0])), out.toString(), err.toString());
  }

  @Test
  void keys_budgets_credentials_and_usage_through_the_command_line() throws Exception {
    String workspace = node.admin.createWorkspace("cli-egress");
    Path keyFile = Files.writeString(dataDir.resolve("openai.key"), KEY + "\n");
    Run set = gatehouse("egress", "keys", "set", workspace, "openai", "--key-file", keyFile.toString());
    assertEquals(0, set.exit(), set.err());
    Run keys = gatehouse("egress", "keys", "list", workspace);
    assertTrue(keys.out().contains("openai"));
    assertFalse(keys.out().contains(KEY) || set.out().contains(KEY), "a key is never printed");

    Run budget = gatehouse("egress", "budgets", "set", workspace, "--window", "1d", "--max-requests", "10",
        "--max-cost", "0.5");
    assertEquals(0, budget.exit(), budget.err());
    Run shown = gatehouse("egress", "budgets", "show", workspace);
    assertTrue(shown.out().contains("workspace") && shown.out().contains("0.500000"), shown.out());

    JsonObject issued = node.admin.post("/admin/v1/workspaces/" + workspace + "/egress-credentials",
        new JsonObject().put("agent", "scribe"));
    HttpResponse<String> call = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + node.gateway.egress().port().orElseThrow() + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + issued.getString("credential"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("model", "gpt-4o-mini")
            .put("messages", new JsonArray()).encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, call.statusCode());
    assertEquals("Bearer " + KEY, provider.received().get(0).authorization());

    Run usage = gatehouse("usage", "--workspace", workspace, "--json");
    assertEquals(0, usage.exit(), usage.err());
    JsonObject row = new JsonObject(usage.out()).getJsonArray("usage").getJsonObject(0);
    assertEquals("scribe", row.getString("agent"));
    assertEquals("gpt-4o-mini", row.getString("model"));
    assertEquals(1, row.getLong("requests"));
    // 10 in at $0.15 and 10 out at $0.60 per million: 1.5 + 6 micro-dollars, rounded up.
    assertEquals(8, row.getLong("costMicros"));
    Run table = gatehouse("usage", "--workspace", workspace);
    assertTrue(table.out().contains("scribe") && table.out().contains("0.000008"), table.out());

    Run credentials = gatehouse("egress", "credentials", "list", workspace);
    assertTrue(credentials.out().contains(issued.getString("id")));
    assertFalse(credentials.out().contains(issued.getString("credential")));
    Run revoked = gatehouse("egress", "credentials", "revoke", workspace, issued.getString("id"));
    assertEquals(0, revoked.exit(), revoked.err());
    assertEquals(1, gatehouse("egress", "credentials", "revoke", workspace, issued.getString("id")).exit(),
        "a revoked credential is not live any more");
  }
}
