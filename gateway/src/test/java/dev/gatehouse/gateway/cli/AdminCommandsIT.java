package dev.gatehouse.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.admin.BootstrapToken;
import dev.gatehouse.gateway.authn.TestHttp;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
    Run created = run(new WorkspaceCommand(), "create", "cli-space", "--json");
    assertEquals(0, created.exit(), created.err());
    String workspace = new JsonObject(created.out()).getString("id");

    Run minted = run(new TokenCommand(), "create", "--workspace", workspace, "--subject", "agent-7",
        "--scopes", "agents:read,messages:write", "--ttl", "1h", "--description", "from the cli", "--json");
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

    Run locked = run(new WorkspaceCommand(), "lock", workspace, "--json");
    assertEquals(0, locked.exit());
    assertEquals("locked", new JsonObject(locked.out()).getString("status"));
  }

  @Test
  void listingsPrintATableByDefaultAndTheAdminApisOwnJsonWithJson() throws Exception {
    AdminClient api = new AdminClient(gateway);
    Run created = run(new WorkspaceCommand(), "create", "cli-table");
    assertEquals(0, created.exit(), created.err());
    List<String> createdLines = created.out().lines().toList();
    assertTrue(createdLines.get(0).matches("ID +NAME +STATUS +CREATED +LOCKED"), created.out());
    String workspace = createdLines.get(1).split(" +")[0];
    assertEquals("cli-table", new JsonObject(api.get("/admin/v1/workspaces/" + workspace).body()).getString("name"));

    Run table = run(new WorkspaceCommand(), "list");
    assertEquals(0, table.exit(), table.err());
    assertTrue(table.out().lines().anyMatch(l -> l.matches(workspace + " +cli-table +active +\\S+ +-")), table.out());
    Run json = run(new WorkspaceCommand(), "list", "--json");
    assertEquals(new JsonObject(api.get("/admin/v1/workspaces").body()), new JsonObject(json.out()));

    Run minted = run(new TokenCommand(), "create", "--workspace", workspace, "--subject", "tabled",
        "--scopes", "agents:read,messages:write", "--ttl", "15m");
    assertEquals(0, minted.exit(), minted.err());
    List<String> mintedLines = minted.out().lines().toList();
    assertTrue(mintedLines.get(0).matches("JTI +WORKSPACE +SUBJECT +SCOPES +EXPIRES +STATUS +DESCRIPTION"), minted.out());
    String jti = mintedLines.get(1).split(" +")[0];
    String token = mintedLines.get(2).replace("token (shown once, never stored): ", "");
    assertEquals(200, TestHttp.get(TestGateways.mainUrl(gateway) + "/echo", token).statusCode(), "the printed token works");

    Run tokens = run(new TokenCommand(), "list", "--workspace", workspace);
    assertTrue(tokens.out().lines().anyMatch(l -> l.matches(jti + " +" + workspace
        + " +tabled +agents:read,messages:write +\\S+ +issued +-") || l.matches(jti + " +" + workspace
        + " +tabled +messages:write,agents:read +\\S+ +issued +-")), tokens.out());
    assertFalse(tokens.out().contains(token), "a listing never shows a token");
    Run tokensJson = run(new TokenCommand(), "list", "--workspace", workspace, "--json");
    assertEquals(new JsonObject(api.get("/admin/v1/tokens?limit=100&workspace=" + workspace).body()),
        new JsonObject(tokensJson.out()));
  }

  @Test
  void durationsInEveryFormReachTheApiAndABadOneIsAUsageErrorNamingTheForms() throws Exception {
    String workspace = new JsonObject(run(new WorkspaceCommand(), "create", "cli-durations", "--json").out())
        .getString("id");
    Run iso = run(new TokenCommand(), "create", "--workspace", workspace, "--subject", "d", "--scopes", "agents:read",
        "--ttl", "PT30M", "--json");
    assertEquals(0, iso.exit(), iso.err());
    assertAbout(Duration.ofMinutes(30), new JsonObject(iso.out()), "issuedAt");

    Run seconds = run(new BlockCommand(), "add", "198.51.100.90", "--for", "90s", "--reason", "short", "--json");
    assertEquals(0, seconds.exit(), seconds.err());
    assertAbout(Duration.ofSeconds(90), new JsonObject(seconds.out()), "createdAt");
    JsonObject direct = new AdminClient(gateway).post("/admin/v1/blocks",
        new JsonObject().put("address", "198.51.100.91").put("for", "45s").put("reason", "api"));
    assertAbout(Duration.ofSeconds(45), direct, "createdAt");

    for (Object command : List.of(new TokenCommand(), new BlockCommand())) {
      Run bad = command instanceof TokenCommand
          ? run(command, "create", "--workspace", workspace, "--subject", "d", "--ttl", "a week")
          : run(command, "add", "198.51.100.92", "--for", "a week", "--reason", "x");
      assertEquals(2, bad.exit(), bad.err());
      assertTrue(bad.err().contains("must be a duration: a whole number and a unit (ms, s, m, h, d) such as 250ms, 90s,"
          + " 15m, 1h or 7d, or ISO-8601 such as PT15M"), bad.err());
    }
  }

  static void assertAbout(Duration expected, JsonObject answer, String from) {
    Duration actual = Duration.between(Instant.parse(answer.getString(from)), Instant.parse(answer.getString("expiresAt")));
    assertTrue(actual.minus(expected).abs().compareTo(Duration.ofSeconds(1)) <= 0, from + " .. expiresAt: " + actual);
  }

  @Test
  void withoutConnectionOptionsTheCommandsFindTheNodeThroughItsConfiguration() throws Exception {
    Path config = java.nio.file.Files.writeString(dataDir.resolve("node.yaml"), "dataDir: " + dataDir + "\n"
        + "admin:\n  listen: 127.0.0.1:" + gateway.adminPort() + "\n");
    Run listed = exactly(new WorkspaceCommand(), "list", "--json", "--config", config.toString());
    assertEquals(0, listed.exit(), listed.err());
    assertEquals(new JsonObject(new AdminClient(gateway).get("/admin/v1/workspaces").body()), new JsonObject(listed.out()));

    Run explicitWins = exactly(new WorkspaceCommand(), "list", "--config", config.toString(),
        "--token-file", dataDir.resolve("no-such-file").toString());
    assertEquals(2, explicitWins.exit());
    assertTrue(explicitWins.err().contains("cannot read the admin token file " + dataDir.resolve("no-such-file")),
        explicitWins.err());

    Path zeroPort = java.nio.file.Files.writeString(dataDir.resolve("zero.yaml"), "admin: {listen: '127.0.0.1:0'}\n");
    Run unknownPort = exactly(new WorkspaceCommand(), "list", "--config", zeroPort.toString());
    assertEquals(2, unknownPort.exit());
    assertEquals("gatehouse: invalid configuration: admin.listen: has port 0 (chosen at start): pass --admin-url",
        unknownPort.err().strip());
  }

  @Test
  void refusalsAndMissingCredentialsHaveTheirExitCodes() {
    Run created = run(new WorkspaceCommand(), "create", "cli-refusals", "--json");
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
    String workspace = new JsonObject(run(new WorkspaceCommand(), "create", "cli-remote", "--json").out()).getString("id");
    String key = "cli-remote-key-canary-51e0";
    Path keyFile = java.nio.file.Files.writeString(dataDir.resolve("remote.key"), key + "\n");

    Run set = run(new WorkspaceCommand(), "runtime", "set", workspace, "--url", upstream.url(),
        "--key-file", keyFile.toString());
    assertEquals(0, set.exit(), set.err());
    Run shown = run(new WorkspaceCommand(), "runtime", "show", workspace, "--json");
    Run cleared = run(new WorkspaceCommand(), "runtime", "clear", workspace, "--json");
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
