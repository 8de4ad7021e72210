package dev.gatehouse.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.admin.BootstrapToken;
import dev.gatehouse.gateway.authn.TestHttp;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gatehouse workspace ...} and {@code gatehouse token ...} against a running gateway's admin API. */
class AdminCommandsIT {

  @TempDir
  static Path dataDir;
  static TestDatabase database;
  static TestUpstream upstream;
  static Gateway gateway;
  static String adminUrl;

  /** One command run: exit code and both outputs. */
  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    database = new TestDatabase();
    upstream = new TestUpstream();
    gateway = TestGateways.start(dataDir,
        "upstream.url=" + upstream.url(),
        "database.url=" + database.url());
    adminUrl = "http://127.0.0.1:" + gateway.adminPort();
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    upstream.close();
    database.close();
  }

  /** Runs {@code args} followed by this node's {@link #connection()} options. */
  static Run run(Object command, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(connection());
    return exactly(command, all.toArray(new String[0]));
  }

  static List<String> connection() {
    return List.of("--admin-url", adminUrl, "--token-file", dataDir.resolve(BootstrapToken.FILE_NAME).toString());
  }

  static Run exactly(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void createWorkspaceMintListAndRevokeThroughTheCli() throws Exception {
    Run created = run(new WorkspaceCommand(), "create", "cli-space");
    assertEquals(0, created.exit(), created.err());
    String workspace = new JsonObject(created.out()).getString("id");

    Run minted = run(new TokenCommand(), "create", "--workspace", workspace, "--subject", "agent-7",
        "--scopes", "agents:read,messages:write", "--ttl", "1h", "--description", "from the cli");
    assertEquals(0, minted.exit(), minted.err());
    JsonObject token = new JsonObject(minted.out());
    assertEquals(200, TestHttp.get(TestGateways.mainUrl(gateway) + "/echo", token.getString("token")).statusCode());

    Run listed = run(new TokenCommand(), "list", "--workspace", workspace);
    assertEquals(0, listed.exit());
    assertTrue(listed.out().contains(token.getString("jti")));
    assertFalse(listed.out().contains(token.getString("token")), "list never shows a token");

    // A jti may begin with "-": an id that stands alone goes after "--", as the CLI help says.
    List<String> revoke = new ArrayList<>(List.of("revoke"));
    revoke.addAll(connection());
    revoke.addAll(List.of("--", token.getString("jti")));
    Run revoked = exactly(new TokenCommand(), revoke.toArray(new String[0]));
    assertEquals(0, revoked.exit(), revoked.err());
    assertEquals(401, TestHttp.get(TestGateways.mainUrl(gateway) + "/echo", token.getString("token")).statusCode());

    Run locked = run(new WorkspaceCommand(), "lock", workspace);
    assertEquals(0, locked.exit());
    assertEquals("locked", new JsonObject(locked.out()).getString("status"));
  }

  @Test
  void refusalsAndMissingCredentialsHaveTheirExitCodes() {
    Run created = run(new WorkspaceCommand(), "create", "cli-refusals");
    String workspace = new JsonObject(created.out()).getString("id");
    Run tooLong = run(new TokenCommand(), "create", "--workspace", workspace, "--subject", "s",
        "--scopes", "agents:read", "--ttl", "30d");
    assertEquals(1, tooLong.exit());
    assertTrue(tooLong.err().contains("ttl_too_long"), tooLong.err());
    assertEquals("", tooLong.out());

    CommandLine cli = new CommandLine(new TokenCommand());
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute("list", "--admin-url", adminUrl, "--token-file",
        dataDir.resolve("no-such-file").toString());
    assertEquals(2, exit);
    assertTrue(err.toString().contains("cannot read the admin token file"));

    Run ambiguous = run(new TokenCommand(), "revoke", "some-jti", "--subject", "x");
    assertEquals(2, ambiguous.exit());
    Run issuerWorkspace = run(new TokenCommand(), "revoke", "--issuer", "https://nobody.test", "--workspace", "x");
    assertEquals(2, issuerWorkspace.exit());
    assertTrue(issuerWorkspace.err().contains("workspace lock"), issuerWorkspace.err());
    Run unknownIssuer = run(new TokenCommand(), "revoke", "--issuer", "https://nobody.test", "--subject", "x");
    assertEquals(1, unknownIssuer.exit(), "an issuer that is not registered");
  }

  @Test
  void aWorkspaceIsPlacedOnARemoteRuntimeWithAKeyFromAFileAndTheKeyIsNeverPrinted() throws Exception {
    String workspace = new JsonObject(run(new WorkspaceCommand(), "create", "cli-remote").out()).getString("id");
    String key = "cli-remote-key-canary-51e0";
    Path keyFile = java.nio.file.Files.writeString(dataDir.resolve("remote.key"), key + "\n");

    Run set = run(new WorkspaceCommand(), "runtime", "set", workspace, "--url", upstream.url(),
        "--key-file", keyFile.toString());
    assertEquals(0, set.exit(), set.err());
    Run shown = run(new WorkspaceCommand(), "runtime", "show", workspace);
    Run cleared = run(new WorkspaceCommand(), "runtime", "clear", workspace);
    Run missing = run(new WorkspaceCommand(), "runtime", "set", workspace, "--url", upstream.url(),
        "--key-file", dataDir.resolve("no-such.key").toString());

    assertEquals("remote", new JsonObject(shown.out()).getString("placement"));
    assertEquals(upstream.url(), new JsonObject(shown.out()).getString("url"));
    assertEquals(0, cleared.exit(), cleared.err());
    assertEquals("local", new JsonObject(cleared.out()).getString("placement"));
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("cannot read the key file"), missing.err());
    for (Run r : List.of(set, shown, cleared, missing)) {
      assertFalse((r.out() + r.err()).contains(key), "the key is never printed");
    }
  }
}
