package dev.gatehouse.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.gateway.Main;
import dev.gatehouse.gateway.admin.BootstrapToken;
import dev.gatehouse.gateway.authn.TestHttp;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gatehouse keys list|rotate|retire} through the command line against a running gateway
 * whose configured signing algorithm is EdDSA (not the default), so a rotation without {@code --alg}
 * shows whose algorithm it takes.
 */
class KeysCommandIT {

  static final String TARGET = "/api/agents/a1";

  @TempDir
  static Path dataDir;
  static GatewayFixture node;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    node = GatewayFixture.start(dataDir, "tokens.signingAlgorithm=EdDSA");
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static Run gatehouse(String... args) {
    return gatehouseWithTokenFile(dataDir.resolve(BootstrapToken.FILE_NAME), args);
  }

  static Run gatehouseWithTokenFile(Path tokenFile, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--admin-url", node.admin.url(), "--token-file", tokenFile.toString()));
    return exactly(all.toArray(new String[0]));
  }

  /** {@code keys retire KID} in the documented form for any id: a kid may begin with '-'. */
  static Run retire(String kid) {
    return exactly("keys", "retire", "--admin-url", node.admin.url(), "--token-file",
        dataDir.resolve(BootstrapToken.FILE_NAME).toString(), "--", kid);
  }

  /** Runs the arguments as given, without adding the connection options. */
  static Run exactly(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Run(cli.execute(args), out.toString(), err.toString());
  }

  static int call(String token) throws Exception {
    return TestHttp.get(TestGateways.mainUrl(node.gateway) + TARGET, token).statusCode();
  }

  @Test
  @Tag("T-AUTH-008")
  void rotateThenRetireRefusesTheOldKeysTokensAndListShowsPublicFactsOnly() throws Exception {
    String workspace = node.admin.createWorkspace("keys-cli");
    String old = node.admin.mint(workspace, "kim", List.of("agents:read"));
    String oldKid = SignedJWT.parse(old).getHeader().getKeyID();

    Run listed = gatehouse("keys", "list", "--json");
    assertEquals(0, listed.exit(), listed.err());
    assertTrue(listed.out().contains("\"kid\" : \"" + oldKid + "\""), listed.out());

    Run rotated = gatehouse("keys", "rotate", "--alg", "ES256", "--json");
    assertEquals(0, rotated.exit(), rotated.err());
    JsonObject key = new JsonObject(rotated.out());
    String newKid = key.getString("kid");
    assertNotEquals(oldKid, newKid);
    assertEquals("ES256", key.getString("alg"), "an explicit --alg wins over the configuration");
    assertEquals("active", key.getString("state"));
    String fresh = node.admin.mint(workspace, "kim", List.of("agents:read"));
    assertEquals(newKid, SignedJWT.parse(fresh).getHeader().getKeyID());
    assertEquals(200, call(old), "the previous key verifies until retired");

    Run retired = retire(oldKid);
    assertEquals(0, retired.exit(), retired.err());
    assertTrue(retired.out().lines().anyMatch(l -> l.matches(java.util.regex.Pattern.quote(oldKid)
        + " +EdDSA +retired +\\S+ +\\S+")), retired.out());
    assertEquals(401, call(old));
    assertEquals(200, call(fresh));

    Run after = gatehouse("keys", "list");
    assertEquals(0, after.exit());
    assertTrue(after.out().lines().findFirst().orElseThrow().matches("KID +ALG +STATE +CREATED +RETIRED"), after.out());
    assertTrue(after.out().lines().anyMatch(l -> l.matches(java.util.regex.Pattern.quote(newKid)
        + " +ES256 +active +\\S+ +-")), after.out());
    assertEquals(new JsonObject(node.admin.get("/admin/v1/keys").body()), new JsonObject(gatehouse("keys", "list", "--json").out()),
        "--json prints the admin API's answer as it is");
    for (String privateField : List.of("\"d\"", "sealed", "private")) {
      assertFalse(after.out().contains(privateField), "no key material: " + privateField);
    }
  }

  @Test
  void idsBeginningWithADashReachTheApiInTheDocumentedForms() {
    // Ids are base64url, so one in 64 begins with '-'. Bare, "-hQ2x" is read as the clustered
    // options -h..., prints the help and exits 0 without any request: hence the documented forms.
    Run bare = gatehouse("keys", "retire", "-hQ2x");
    assertTrue(bare.out().contains("Usage:") && !bare.err().contains("HTTP"), "bare: " + bare.out() + bare.err());

    Run afterSeparator = exactly("keys", "retire", "--admin-url", node.admin.url(), "--token-file",
        dataDir.resolve(BootstrapToken.FILE_NAME).toString(), "--", "-hQ2x");
    assertEquals(1, afterSeparator.exit(), afterSeparator.err());
    assertTrue(afterSeparator.err().contains("not_found (HTTP 404)"), "reached the API: " + afterSeparator.err());

    Run revoke = exactly("token", "revoke", "--reason", "drill", "--admin-url", node.admin.url(), "--token-file",
        dataDir.resolve(BootstrapToken.FILE_NAME).toString(), "--", "-Vx9");
    assertTrue(revoke.err().contains("not_found (HTTP 404)"), "reached the API: " + revoke.err());

    Run search = gatehouse("audit", "search", "--jti", "-hQ2x");
    assertEquals(0, search.exit(), "an option value beginning with -h is a value: " + search.err());
    assertFalse(search.out().contains("Usage:"));
  }

  @Test
  void aRotationWithoutAlgTakesTheNodesConfiguredAlgorithm() throws Exception {
    Run rotated = gatehouse("keys", "rotate", "--json");
    assertEquals(0, rotated.exit(), rotated.err());
    JsonObject key = new JsonObject(rotated.out());
    assertEquals("EdDSA", key.getString("alg"), "tokens.signingAlgorithm, not a default of the CLI or the API");
    String workspace = node.admin.createWorkspace("keys-configured");
    String token = node.admin.mint(workspace, "kim", List.of("agents:read"));
    assertEquals(key.getString("kid"), SignedJWT.parse(token).getHeader().getKeyID());
    assertEquals("EdDSA", SignedJWT.parse(token).getHeader().getAlgorithm().getName());
  }

  @Test
  void refusalsHaveTheirExitCodesAndGenericMessages() {
    String active = new JsonObject(gatehouse("keys", "rotate", "--json").out()).getString("kid");

    Run retireActive = retire(active);
    assertEquals(1, retireActive.exit());
    assertTrue(retireActive.err().contains("not_found (HTTP 404)"), retireActive.err());

    Run badAlg = gatehouse("keys", "rotate", "--alg", "HS256");
    assertEquals(1, badAlg.exit());
    assertTrue(badAlg.err().contains("invalid_request (HTTP 400)"), badAlg.err());

    Run noTokenFile = gatehouseWithTokenFile(dataDir.resolve("missing"), "keys", "list");
    assertEquals(2, noTokenFile.exit());
    assertTrue(noTokenFile.err().contains("cannot read the admin token file"), noTokenFile.err());
  }
}
