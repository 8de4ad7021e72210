package dev.gatehouse.gateway.drill;

import static dev.gatehouse.gateway.drill.DrillDeployment.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.gateway.Main;
import dev.gatehouse.gateway.authn.TestHttp;
import dev.gatehouse.gateway.testsupport.ExternalIdp;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes the incident-response runbooks: each drill sets up the incident on a two-node
 * deployment, runs the runbook's {@code console} blocks through the real CLI (see {@link Drill})
 * and checks the outcome the runbook promises, on both nodes. A runbook whose commands stop
 * working, or a new block nobody drills, fails the build. Blocks marked "not drilled yet" are
 * counted and printed at the end.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunbookDrillIT {

  static final Path RUNBOOKS = Path.of("..", "incident-response", "runbooks");
  static final String AGENT = "/api/agents/a1";
  static final Pattern LAST_DRILLED = Pattern.compile("Last drilled: .*?`RunbookDrillIT#(\\w+)`");

  @TempDir
  static Path temp;
  static DrillDeployment deployment;
  /** Per runbook: commands run and blocks marked not drilled yet. */
  static final Map<String, int[]> REPORT = new TreeMap<>();

  @BeforeAll
  static void start() throws Exception {
    deployment = new DrillDeployment(temp);
  }

  @AfterAll
  static void stop() throws Exception {
    REPORT.forEach((file, counts) -> System.out.printf("drill %s: %d commands run, %d blocks not drilled yet%n",
        file, counts[0], counts[1]));
    System.out.printf("drill total: %d commands run, %d blocks not drilled yet%n",
        REPORT.values().stream().mapToInt(c -> c[0]).sum(), REPORT.values().stream().mapToInt(c -> c[1]).sum());
    if (deployment != null) {
      deployment.close();
    }
  }

  static Drill drill(String file) throws Exception {
    return deployment.drill(Runbook.load(RUNBOOKS.resolve(file)));
  }

  static void finish(String file, Drill drill) {
    drill.assertEveryBlockDrilled();
    REPORT.put(file, new int[] {drill.results().size(), drill.notDrilled().size()});
  }

  static JsonObject mint(String workspace, String subject, String... scopes) throws Exception {
    return deployment.admin.mint(workspace, subject, List.of(scopes), "10m");
  }

  @Test
  @Order(1)
  @Tag("T-AUTH-007")
  @Tag("T-AUTH-014")
  @Tag("T-AUTH-017")
  void tokenCompromise() throws Exception {
    Drill drill = drill("token-compromise.md");
    String workspace = deployment.admin.createWorkspace("ir-token");
    JsonObject leaked = mint(workspace, "leaky-agent", "agents:read");
    String token = leaked.getString("token");
    String jti = leaked.getString("jti");
    assertEquals(200, call(deployment.a, AGENT, token, "198.51.100.7"), "the owner, on node A");
    assertEquals(200, call(deployment.b, AGENT, token, "203.0.113.9"), "the thief, on node B");
    deployment.awaitEvents("jti=" + jti, events -> events.size() >= 2);
    drill.bind("jti", jti).bind("subject", "leaky-agent").bind("workspace", workspace)
        .bind("incident", "IR-DRILL-1").bind("evidence-file", temp.resolve("token-evidence.jsonl").toString());

    drill.run("1-scope-what-did-the-token-do");
    String revokedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    drill.bind("revoked-at", revokedAt);
    ECKey idpKey = ExternalIdp.key("idp-1");
    try (ExternalIdp idp = new ExternalIdp(idpKey)) {
      deployment.admin.post("/admin/v1/issuers", idp.registration(List.of(workspace), List.of("agents:read")));
      String externalJti = "ext-" + UUID.randomUUID();
      String stolen = idp.token(idpKey, "leaky-person", externalJti, workspace, "agents:read", Instant.now());
      String sibling = idp.token(idpKey, "leaky-person", workspace, "agents:read");
      assertEquals(200, call(deployment.a, AGENT, stolen, "198.51.100.7"), "the external token works before");
      assertEquals(200, call(deployment.b, AGENT, sibling, "198.51.100.7"), "the subject's other token too");
      drill.bind("iss", idp.iss()).bind("external-jti", externalJti).bind("external-subject", "leaky-person");
      drill.run("2-contain-revoke");
      assertEquals(401, call(deployment.a, AGENT, stolen, "198.51.100.7"), "the external token is refused");
      DrillDeployment.awaitStatus(deployment.b, AGENT, sibling, 401);
    }
    assertEquals(401, call(deployment.a, AGENT, token, "198.51.100.7"), "refused on the next request on node A");
    System.out.printf("drill token-compromise.md: node B refused the revoked token %d ms after node A did%n",
        DrillDeployment.awaitStatus(deployment.b, AGENT, token, 401).toMillis());
    assertEquals(401, call(deployment.b, AGENT, token, "203.0.113.9"), "refused on node B");

    for (int i = 0; i < 3; i++) {
      assertEquals(401, call(deployment.a, AGENT, token, "203.0.113.9"), "the thief keeps trying (D13)");
    }
    drill.bind("rule", "D13").bind("alert-id", deployment.awaitAlert("D13", "client_address=203.0.113.9"));
    drill.run("triage-the-alert");

    drill.run("3-preserve-evidence");
    List<String> evidence = Files.readAllLines(temp.resolve("token-evidence.jsonl"));
    assertTrue(evidence.size() >= 2 && evidence.stream().allMatch(l -> l.contains("\"jti\":\"" + jti + "\"")), "export holds the token's events");
    assertTrue(evidence.stream().noneMatch(l -> l.contains(token)), "the export never holds the token");

    deployment.awaitEvents("status=401&from=" + revokedAt, events -> events.stream()
        .anyMatch(e -> "revoked".equals(((JsonObject) e).getString("reason_key"))));
    drill.run("4-verify");
    drill.run("6-recover");
    String fresh = mint(workspace, "leaky-agent-2", "agents:read").getString("token");
    assertEquals(200, call(deployment.b, AGENT, fresh, "198.51.100.7"), "the unlocked workspace works again");
    finish("token-compromise.md", drill);
  }

  @Test
  @Order(2)
  @Tag("T-AUTH-008")
  void signingKeyCompromise() throws Exception {
    Drill drill = drill("signing-key-compromise.md");
    String workspace = deployment.admin.createWorkspace("ir-keys");
    String old = mint(workspace, "consumer", "agents:read").getString("token");
    String oldKid = SignedJWT.parse(old).getHeader().getKeyID();
    assertEquals(200, call(deployment.b, AGENT, old, "198.51.100.20"));
    String forged = old.substring(0, old.lastIndexOf('.') + 1) + "AAAA" + old.substring(old.lastIndexOf('.') + 5);
    assertEquals(401, call(deployment.a, AGENT, forged, "198.51.100.21"), "a forged token (D15)");
    drill.bind("rule", "D15").bind("alert-id", deployment.awaitAlert("D15", "client_address=198.51.100.21"))
        .bind("incident", "IR-DRILL-2");
    drill.run("triage-the-alert");
    drill.bind("old-kid", oldKid).bind("workspace", workspace).bind("subject", "consumer");

    drill.run("1-scope");
    List<Drill.Result> contain = drill.run("2-contain-rotate-then-retire-at-once");
    String newKid = contain.get(0).json().getString("kid");
    assertNotEquals(oldKid, newKid);
    assertEquals(401, call(deployment.a, AGENT, old, "198.51.100.20"), "the retired key's token on node A");
    DrillDeployment.awaitStatus(deployment.b, AGENT, old, 401);
    String jwks = TestHttp.get(TestGateways.mainUrl(deployment.b) + "/.well-known/jwks.json", null).body();
    assertFalse(jwks.contains("\"" + oldKid + "\""), "node B no longer publishes the retired key");

    String reissued = drill.run("3-re-issue-tokens").get(0).json().getString("token");
    assertEquals(newKid, SignedJWT.parse(reissued).getHeader().getKeyID());
    DrillDeployment.awaitStatus(deployment.b, AGENT, reissued, 200);
    drill.bind("new-kid", newKid);
    drill.run("4-verify");
    finish("signing-key-compromise.md", drill);
  }

  @Test
  @Order(3)
  @Tag("T-SEC-014")
  void characterSecretLeak() throws Exception {
    Drill drill = drill("character-secret-leak.md");
    Path keyring = temp.resolve("leak-keyring.json");
    Path character = sealedCharacter("leak", keyring);
    String dataKeyBefore = dataKeyId(character);
    String workspace = deployment.admin.createWorkspace("ir-leak");
    String exposureStart = Instant.now().minus(1, ChronoUnit.MINUTES).toString();
    String reader = mint(workspace, "character-reader", "agents:read").getString("token");
    assertEquals(200, call(deployment.a, AGENT, reader, "198.51.100.30"));
    deployment.awaitEvents("workspace=" + workspace, events -> !events.isEmpty());
    drill.bind("character-file", character.toString())
        .bind("provider-options", List.of("--provider", "local", "--keyring", keyring.toString()))
        .bind("workspace", workspace).bind("exposure-start", exposureStart)
        .bind("evidence-file", temp.resolve("leak-evidence.jsonl").toString());

    drill.run("3-rekey");
    assertNotEquals(dataKeyBefore, dataKeyId(character), "rekey replaced the data key");
    assertEquals(SECRET, secretOf(character, keyring), "the (already replaced) value survives the rekey");
    drill.run("5-scope-who-could-read-the-character");
    finish("character-secret-leak.md", drill);
  }

  @Test
  @Order(4)
  @Tag("T-SEC-014")
  void vaultKeyRotation() throws Exception {
    Drill drill = drill("vault-key-rotation.md");
    Path keyring = temp.resolve("rotation-keyring.json");
    Path first = sealedCharacter("rotation-1", keyring);
    Path second = sealedCharacter("rotation-2", keyring);
    String oldKid = activeKid();
    drill.bind("keyring", keyring.toString())
        .bind("provider-options", List.of("--provider", "local", "--keyring", keyring.toString()))
        .bind("character-files", List.of(first.toString(), second.toString()))
        .bind("character-file", first.toString()).bind("old-kid", oldKid);

    drill.run("1-rotate-the-master-key");
    drill.run("2-rewrap-every-character");
    assertEquals(2, new JsonObject(Files.readString(second)).getJsonObject("gatehouse_seal").getInteger("key_version"));
    assertEquals(SECRET, secretOf(second, keyring), "rewrap keeps every value");
    drill.run("3-re-seal-the-signing-keys");
    assertNotEquals(oldKid, activeKid());
    String workspace = deployment.admin.createWorkspace("ir-rotation");
    DrillDeployment.awaitStatus(deployment.b, AGENT, mint(workspace, "after-rotation", "agents:read").getString("token"), 200);
    finish("vault-key-rotation.md", drill);
  }

  @Test
  @Order(5)
  void crossWorkspaceAccess() throws Exception {
    Drill drill = drill("cross-workspace-access.md");
    String attacker = deployment.admin.createWorkspace("ir-attacker");
    String victim = deployment.admin.createWorkspace("ir-victim");
    String token = mint(attacker, "prober", "agents:read").getString("token");
    assertEquals(200, call(deployment.a, "/api/workspaces/" + victim + "/agents/victim-agent-1", token, "203.0.113.60"),
        "this build has no ownership check yet: the route lets another workspace's id through (D09)");
    assertEquals(403, call(deployment.a, "/api/system/env/keys", token, "203.0.113.60"));
    assertEquals(403, call(deployment.b, "/echo", token, "203.0.113.60"));
    deployment.awaitEvents("subject=prober", events -> events.size() >= 3);
    drill.bind("subject", "prober").bind("workspace", attacker).bind("resource-id", "victim-agent-1")
        .bind("incident", "IR-DRILL-5").bind("evidence-file", temp.resolve("bola-evidence.jsonl").toString())
        .bind("rule", "D09").bind("alert-id", deployment.awaitAlert("D09", "subject=prober"));
    drill.run("triage-the-alert");

    drill.run("1-scope-what-the-subject-reached");
    String containedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    drill.bind("contained-at", containedAt);
    drill.run("2-contain");
    DrillDeployment.awaitStatus(deployment.b, "/api/agents/victim-agent-1", token, 401);
    drill.run("3-preserve-evidence");
    deployment.awaitEvents("status=401&from=" + containedAt, events -> events.stream()
        .anyMatch(e -> "revoked".equals(((JsonObject) e).getString("reason_key"))));
    drill.run("5-verify");
    finish("cross-workspace-access.md", drill);
  }

  @Test
  @Order(6)
  @Tag("T-AUTH-011")
  void credentialStuffing() throws Exception {
    Drill drill = drill("credential-stuffing.md");
    String address = "203.0.113.77";
    String windowStart = Instant.now().minus(1, ChronoUnit.SECONDS).toString();
    String workspace = deployment.admin.createWorkspace("ir-stuffing");
    String valid = mint(workspace, "stuffed", "agents:read").getString("token");
    String forged = valid.substring(0, valid.lastIndexOf('.') + 1) + "AAAA" + valid.substring(valid.lastIndexOf('.') + 5);
    List<Integer> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      answers.add(call(deployment.a, AGENT, forged, address));
    }
    assertEquals(200, call(deployment.a, AGENT, valid, address), "one stolen token works (D04)");
    // Budgets are per node: node A's failed-authentication budget runs out here.
    for (int i = 0; i < 5; i++) {
      answers.add(call(deployment.a, AGENT, forged, address));
    }
    assertTrue(answers.contains(401) && answers.contains(429), "refused, then throttled: " + answers);
    deployment.awaitEvents("status=429&from=" + windowStart, events -> !events.isEmpty());
    deployment.awaitEvents("decision=allow&subject=stuffed", events -> !events.isEmpty());
    String alertId = deployment.awaitAlert("D04", "client_address=" + address);
    drill.bind("address", address).bind("window-start", windowStart).bind("subject", "stuffed")
        .bind("incident", "IR-DRILL-6")
        .bind("rule", "D04").bind("alert-id", alertId);
    JsonObject evidence = new JsonObject(deployment.admin.get("/admin/v1/alerts/" + alertId).body())
        .getJsonArray("evidence").getJsonObject(0);
    drill.bind("evidence", evidence.getString("node") + ":" + evidence.getLong("seq"));

    drill.run("triage-the-alert");
    drill.run("1-scope");
    drill.run("2-contain");
    DrillDeployment.awaitStatus(deployment.b, AGENT, valid, 401);
    DrillDeployment.awaitStatusFrom(deployment.a, "/hello", address, 403);
    DrillDeployment.awaitStatusFrom(deployment.b, "/hello", address, 403);
    assertEquals(200, call(deployment.b, "/hello", null, "198.51.100.78"), "other addresses are not blocked");
    deployment.awaitEvents("status=403&from=" + windowStart, events -> events.stream()
        .anyMatch(e -> "address_blocked".equals(((JsonObject) e).getString("reason_key"))));
    deployment.awaitEvents("status=401&from=" + windowStart, events -> events.stream()
        .anyMatch(e -> "revoked".equals(((JsonObject) e).getString("reason_key"))));
    drill.run("3-verify");
    drill.run("4-recover");
    DrillDeployment.awaitStatusFrom(deployment.b, "/hello", address, 200);
    finish("credential-stuffing.md", drill);
  }

  @Test
  @Order(7)
  @Tag("T-AUD-003")
  void auditIntegrity() throws Exception {
    Drill drill = drill("audit-integrity.md");
    long seq = deployment.head(DrillDeployment.NODE_A) - 3;
    assertTrue(seq > 1, "node A has a trail to tamper with");
    String where = "node_id = '" + DrillDeployment.NODE_A + "' AND seq = ?";
    deployment.execute("UPDATE audit_events SET latency_us = latency_us + 1 WHERE " + where, seq);
    try {
      drill.bind("node", DrillDeployment.NODE_A).bind("seq", Long.toString(seq))
          .bind("before-seq", Long.toString(seq - 1))
          .bind("window-start", Instant.now().minus(1, ChronoUnit.HOURS).toString())
          .bind("evidence-file", temp.resolve("audit-evidence.jsonl").toString());
      List<Drill.Result> found = drill.run("1-find-the-first-broken-link");
      assertTrue(found.get(0).out().contains(": CHANGED"), found.get(0).out());
      drill.run("2-preserve");
      drill.run("3-bound-the-damage");
    } finally {
      deployment.execute("UPDATE audit_events SET latency_us = latency_us - 1 WHERE " + where, seq);
    }
    Cli restored = cli("audit", "verify", "--admin-url", deployment.admin.url(), "--token-file",
        deployment.a.config().dataDir().resolve("admin-token").toString());
    assertEquals(0, restored.exit(), "the restored trail verifies again: " + restored.out());
    finish("audit-integrity.md", drill);
  }

  @Test
  @Order(8)
  @Tag("T-AUTH-010")
  @Tag("T-AUD-002")
  void postgresOutage() throws Exception {
    Drill drill = drill("dependency-outage.md");
    String workspace = deployment.admin.createWorkspace("ir-outage");
    String token = mint(workspace, "during-outage", "agents:read").getString("token");
    assertEquals(200, call(deployment.b, AGENT, token, "198.51.100.90"));
    deployment.database.stop();
    try {
      DrillDeployment.awaitStatus(deployment.a, "/readyz", null, 503);
      DrillDeployment.awaitStatus(deployment.b, AGENT, token, 503);
      drill.run("1-postgresql-confirm");
    } finally {
      deployment.database.restart();
    }
    deployment.awaitRecovered();
    DrillDeployment.awaitStatus(deployment.b, AGENT, token, 200);
    drill.run("3-postgresql-verify");
    finish("dependency-outage.md", drill);
  }

  @Test
  @Order(9)
  @Tag("T-SEC-021")
  void modelSpend() throws Exception {
    Drill drill = drill("model-spend.md");
    String workspace = deployment.admin.createWorkspace("ir-spend");
    String agent = "spend-agent";
    assertEquals(204, deployment.admin.put("/admin/v1/workspaces/" + workspace + "/provider-keys/openai",
        new JsonObject().put("key", "sk-drill-provider")).statusCode());
    String earlier = deployment.admin.post("/admin/v1/workspaces/" + workspace + "/egress-credentials",
        new JsonObject().put("agent", agent)).getString("credential");
    assertEquals(200, DrillDeployment.modelCall(deployment.a, earlier), "the agent calls the model");
    // A redeploy issues a new credential and revokes the earlier one, a copy of which keeps being tried.
    JsonObject current = deployment.admin.post("/admin/v1/workspaces/" + workspace + "/egress-credentials",
        new JsonObject().put("agent", agent));
    for (int i = 0; i < 3; i++) {
      assertEquals(401, DrillDeployment.modelCall(deployment.a, earlier));
    }
    drill.bind("workspace", workspace).bind("agent", agent).bind("credential-id", current.getString("id"))
        .bind("address", "127.0.0.1").bind("incident", "IR-DRILL-9").bind("rule", "D22")
        .bind("alert-id", deployment.awaitAlert("D22", "client_address=127.0.0.1"));
    drill.run("triage-the-alert");
    drill.run("1-scope");
    assertEquals(200, DrillDeployment.modelCall(deployment.b, current.getString("credential")), "before containment");
    drill.run("2-contain");
    assertEquals(401, DrillDeployment.modelCall(deployment.b, current.getString("credential")),
        "the revoked credential is refused on the other node");
    drill.run("3-verify");
    drill.run("4-recover");
    String redeployed = deployment.admin.post("/admin/v1/workspaces/" + workspace + "/egress-credentials",
        new JsonObject().put("agent", agent)).getString("credential");
    assertEquals(200, DrillDeployment.modelCall(deployment.b, redeployed), "the redeployed agent calls the model again");
    finish("model-spend.md", drill);
  }

  @Test
  void everyRunbookNamesAnExistingDrill() throws Exception {
    List<String> drills = Arrays.stream(RunbookDrillIT.class.getDeclaredMethods())
        .filter(m -> m.isAnnotationPresent(Order.class)).map(Method::getName).toList();
    List<String> files;
    try (Stream<Path> list = Files.list(RUNBOOKS)) {
      files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md")).sorted().toList();
    }
    assertEquals(9, files.size(), "runbooks: " + files);
    List<String> named = new ArrayList<>();
    for (String file : files) {
      Matcher stamp = LAST_DRILLED.matcher(Files.readString(RUNBOOKS.resolve(file)));
      assertTrue(stamp.find(), file + " has no \"Last drilled: ... `RunbookDrillIT#method`\" stamp");
      assertTrue(drills.contains(stamp.group(1)), file + " names a drill that does not exist: " + stamp.group(1));
      named.add(stamp.group(1));
    }
    assertEquals(drills.stream().sorted().toList(), named.stream().sorted().toList(), "one drill per runbook");
  }

  // ---------------------------------------------------------------- characters for the secrets drills

  static final String SECRET = "sk-drill-replaced-value";

  record Cli(int exit, String out, String err) {}

  static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Cli(exit, out.toString(), err.toString());
  }

  /** A character sealed under a (new or existing) development keyring. */
  static Path sealedCharacter(String name, Path keyring) throws Exception {
    if (!Files.exists(keyring)) {
      assertEquals(0, cli("secrets", "keyring", "init", "--keyring", keyring.toString()).exit());
    }
    Path plain = temp.resolve(name + ".json");
    Files.writeString(plain, new JsonObject().put("id", "drill-" + name).put("name", name)
        .put("settings", new JsonObject().put("secrets", new JsonObject().put("OPENAI_API_KEY", SECRET))).encode());
    Path sealed = temp.resolve(name + ".sealed.json");
    Cli run = cli("secrets", "seal", plain.toString(), "-o", sealed.toString(), "--keyring", keyring.toString());
    assertEquals(0, run.exit(), run.err());
    Files.delete(plain);
    return sealed;
  }

  static String dataKeyId(Path sealed) throws Exception {
    return new JsonObject(Files.readString(sealed)).getJsonObject("gatehouse_seal").getString("data_key_id");
  }

  static String secretOf(Path sealed, Path keyring) {
    Cli opened = cli("secrets", "open", sealed.toString(), "--keyring", keyring.toString());
    assertEquals(0, opened.exit(), opened.err());
    return new JsonObject(opened.out()).getJsonObject("settings").getJsonObject("secrets").getString("OPENAI_API_KEY");
  }

  static String activeKid() throws Exception {
    JsonArray keys = new JsonObject(deployment.admin.get("/admin/v1/keys").body()).getJsonArray("keys");
    return keys.stream().map(JsonObject.class::cast).filter(k -> "active".equals(k.getString("state")))
        .map(k -> k.getString("kid")).findFirst().orElseThrow();
  }
}
