package dev.gatehouse.gateway.detect;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.detect.DetectionEngine;
import dev.gatehouse.auditdetector.detect.EngineOptions;
import dev.gatehouse.auditdetector.detect.Finding;
import dev.gatehouse.auditdetector.eval.Evaluation;
import dev.gatehouse.auditdetector.eval.EvaluationReport;
import dev.gatehouse.auditdetector.eval.InjectedAttack;
import dev.gatehouse.auditdetector.eval.RuleScore;
import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.query.AuditFilter;
import dev.gatehouse.auditdetector.query.AuditPage;
import dev.gatehouse.auditdetector.query.AuditQuery;
import dev.gatehouse.auditdetector.rules.DetectionEvent;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.auditdetector.rules.RuleLoader;
import dev.gatehouse.gateway.ownership.ResourceKind;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.session.SessionCookie;
import dev.gatehouse.gateway.store.Database;
import dev.gatehouse.gateway.store.MigrationSet;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.Claims;
import dev.gatehouse.gateway.testsupport.GatewayFixture;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live-driven detection evaluation: scripted benign users and attackers send real requests
 * through an in-process gateway (embedded PostgreSQL, {@code TestUpstream} as the runtime, client
 * addresses through {@code X-Forwarded-For} from a trusted proxy), then every shipped rule is
 * scored on the audit events the gateway wrote, read back from PostgreSQL with {@link AuditQuery}.
 *
 * <p><b>Time.</b> Each script is a list of <em>steps</em>; a step is one or more requests sent back
 * to back, each carrying the step's key as its {@code User-Agent}, which the gateway records. The
 * events a step produced are moved together so that the first lands at the step's scheduled
 * event time: only {@code ts} changes, by the same amount for the whole step; every other field,
 * the chain position and the sequence gap measured before the event in its node's written chain
 * are kept. The schedule composes an 18-day timeline (benign days, daily tokens, an hour-long
 * service-account baseline, slow attacks whose steps are spread over an hour). Events no step
 * produced (the setup's admin calls, the detector's own responses) are left out and counted.
 * Attacks whose outcome depends on the gateway's own clock (credential stuffing at and under the
 * failed-authentication limiter's rate) run as one step, paced in real time.
 *
 * <p><b>Labels.</b> A step belongs to one script: an attack instance (with the rules expected to
 * detect it) or benign. A finding is a true positive when its evidence holds an attack event.
 *
 * <p><b>Within 5 s.</b> The gateway runs its detector as {@code serve} does; the first instance of
 * each attack family that fits in seconds is checked to raise its alert through the admin API
 * within 5 s of its last request, and each benign look-alike to raise nothing. Families whose rules
 * need hours or days of event time (D07, D12, D17, D18, D19, the slow attacks) and audit tampering
 * (D20: the detector saw the events before they were deleted) are covered by the timeline only.
 */
class LiveDetectionEvaluationIT {

  static final Instant START = Instant.parse("2025-03-03T00:00:00Z");
  static final int DAYS = 18;
  static final int WORKSPACES = 3;
  static final int USERS = 12;
  static final int OFFICE_USERS = 6;
  static final int AGENTS = 8;
  static final int MEMORIES = 60;
  static final long SEED = 20250303L;
  static final double MIN_PRECISION = 0.9;
  static final double MIN_RECALL = 0.9;
  static final Duration ALERT_WITHIN = Duration.ofSeconds(5);
  /** As inside serve: events held 500 ms, the watermark moved to the clock every 100 ms while idle. */
  static final Duration DETECTOR_LATENESS = Duration.ofMillis(500);
  static final Duration HEARTBEAT = Duration.ofMillis(100);
  static final Path ARTIFACTS = Path.of("target", "detection-eval");
  static final List<String> USER_SCOPES = List.of("agents:read", "messages:write", "memories:read");

  @TempDir
  static Path dataDir;
  static GatewayFixture node;
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final Random RANDOM = new Random(SEED);

  /** One step: its script's attack id ({@code null}: benign) and its place in event time. */
  record Step(String attackId, Instant at) {
  }

  /** An alert the live detector must not raise: a benign look-alike's entity. */
  record LiveCheck(String family, String rule, String entity) {
  }

  static final Map<String, Step> STEPS = new ConcurrentHashMap<>();
  static final Map<String, List<String>> EXPECTED = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  static final Map<String, Integer> FAMILY_COUNT = new ConcurrentHashMap<>();
  static final List<String> RAISED_IN_TIME = new java.util.concurrent.CopyOnWriteArrayList<>();
  static final List<String> LIVE_FAILURES = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Tokens with a 1 s lifetime minted at the start, for the expired-token scripts. */
  static final java.util.Deque<String> SHORT_LIVED = new java.util.ArrayDeque<>();
  /** When the last token with a 1 s lifetime was minted: they are all expired 30 s (the leeway) later. */
  static volatile Instant lastShortMint = Instant.now();
  static final List<LiveCheck> LOOKALIKES = new ArrayList<>();
  static int addressCounter;

  static final List<String> workspaces = new ArrayList<>();
  static final Map<String, List<String>> agents = new HashMap<>();
  static final Map<String, List<String>> memories = new HashMap<>();
  static EvaluationReport report;
  static int unscripted;

  // ------------------------------------------------------------------ drive

  @BeforeAll
  static void driveTheGateway() throws Exception {
    node = GatewayFixture.start(dataDir, "server.trustedProxies=127.0.0.1/32",
        "policy.file=" + Path.of("src", "test", "resources", "policies", "detection-eval.yaml"),
        // 18 days of traffic are sent in about a minute: the address and token budgets are raised so
        // that the compression alone refuses nothing; the failed-authentication budget keeps its burst
        // of 10 and refills once a second (default: once per 6 s) so that stuffing at and under its
        // rate fits in seconds.
        "limits.perAddress.burst=1000000", "limits.perToken.burst=1000000", "limits.perWorkspace.burst=1000000",
        "limits.failedAuthentication.burst=10", "limits.failedAuthentication.interval=1s",
        "server.maxBodySize=1048576");
    for (int w = 0; w < WORKSPACES; w++) {
      String ws = node.admin.createWorkspace("eval-" + w);
      workspaces.add(ws);
      agents.put(ws, claim(ws, ResourceKind.AGENT, AGENTS));
      memories.put(ws, claim(ws, ResourceKind.MEMORY, MEMORIES));
    }
    String ops = node.admin.createWorkspace("eval-ops");
    Map<String, String> staleTokens = new HashMap<>();
    for (String ws : workspaces) {
      for (int u = 0; u < USERS; u++) {
        staleTokens.put(user(ws, u), mint(ws, user(ws, u), USER_SCOPES, "1s").getString("token"));
      }
    }
    for (int i = 0; i < 3; i++) {
      SHORT_LIVED.add(mint(workspaces.get(i), "ws" + i + ".u1", USER_SCOPES, "1s").getString("token"));
    }
    List<Thread> paced = List.of(pacedStuffing("stuffing-at-rate", 1_000, at(10, 22, 0)),
        pacedStuffing("stuffing-under-rate", 1_300, at(10, 22, 30)));
    paced.forEach(Thread::start);
    List<Runnable> afterExpiry = new ArrayList<>();
    long started = System.nanoTime();
    background(staleTokens, afterExpiry);
    operators(ops);
    serviceAccounts();
    long backgroundDone = System.nanoTime();
    attacks(ops, afterExpiry);
    lookalikes(afterExpiry);
    for (Thread thread : paced) {
      thread.join();
    }
    Duration untilExpired = Duration.between(Instant.now(), lastShortMint.plusSeconds(33));
    if (!untilExpired.isNegative()) {
      Thread.sleep(untilExpired.toMillis());
    }
    for (Runnable step : afterExpiry) {
      step.run();
    }
    auditTampering();
    long attacksDone = System.nanoTime();
    Thread.sleep(ALERT_WITHIN.toMillis());
    report = score();
    System.out.printf("live evaluation: %d steps; background %d ms, attacks and look-alikes %d ms, scoring %d ms%n",
        STEPS.size(), (backgroundDone - started) / 1_000_000, (attacksDone - backgroundDone) / 1_000_000,
        report.elapsedMillis());
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  static String user(String ws, int u) {
    return "ws" + workspaces.indexOf(ws) + ".u" + u;
  }

  static List<String> claim(String ws, ResourceKind kind, int count) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = new UUID(RANDOM.nextLong(), RANDOM.nextLong()).toString();
      Claims.claim(node.gateway, ws, kind, id);
      ids.add(id);
    }
    return ids;
  }

  static JsonObject mint(String ws, String subject, List<String> scopes, String ttl) throws Exception {
    JsonObject minted = node.admin.mint(ws, subject, scopes, ttl);
    if (ttl.equals("1s")) {
      lastShortMint = Instant.now();
    }
    return minted;
  }

  static synchronized String attackerAddress() {
    addressCounter++;
    return "45." + (addressCounter / 200) + "." + (addressCounter % 200) + ".7";
  }

  static Instant at(int day, int hour, int minute) {
    return START.plus(Duration.ofDays(day)).plusSeconds(hour * 3600L + minute * 60L);
  }

  /** Registers a step of {@code attackId}'s script (null: benign) placed at {@code at}; returns its key. */
  static String step(String attackId, Instant at) {
    String key = "eval-step/" + STEPS.size() + "-" + UUID.randomUUID().toString().substring(0, 8);
    STEPS.put(key, new Step(attackId, at));
    return key;
  }

  /** A new attack instance of {@code family}, expected to be detected by {@code rules}. */
  static synchronized String attack(String family, String... rules) {
    int n = FAMILY_COUNT.merge(family, 1, Integer::sum);
    String id = family + "#" + n;
    EXPECTED.put(id, List.of(rules));
    return id;
  }

  static int send(String step, String method, String path, String address, String header, String value)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TestGateways.mainUrl(node.gateway) + path))
        .header("User-Agent", step).header("X-Forwarded-For", address)
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (header != null) {
      request.header(header, value);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static int get(String step, String path, String address, String token) throws Exception {
    return send(step, "GET", path, address, token == null ? null : "Authorization", "Bearer " + token);
  }

  // ------------------------------------------------------------------ benign background

  /**
   * 3 workspaces × 12 users over 18 days: weekdays 85 % active, weekends 10 %; half of each
   * workspace shares an office address, the rest work from home; each active day a fresh token,
   * 2–4 steps of 2–5 requests (agent list, own agents, 2 % deleted ones answered 404, own
   * memories, messages), 20 % of days begin with 1–3 retries of an expired token, 0.5 % of
   * requests hit a privileged route without its scope. Two users per workspace go dormant after
   * day 2 (the D19 victims).
   */
  static void background(Map<String, String> staleTokens, List<Runnable> afterExpiry) throws Exception {
    for (String ws : workspaces) {
      int w = workspaces.indexOf(ws);
      for (int u = 0; u < USERS; u++) {
        String subject = user(ws, u);
        String home = "10." + w + "." + u + ".2";
        String office = u < OFFICE_USERS ? "172.16." + w + ".1" : null;
        boolean dormant = u >= USERS - 2;
        for (int day = 0; day < DAYS; day++) {
          boolean weekend = day % 7 >= 5;
          boolean active = dormant ? day < 3 : RANDOM.nextDouble() < (weekend ? 0.10 : 0.85);
          if (!active) {
            continue;
          }
          String network = office != null && RANDOM.nextBoolean() ? office : home;
          Instant t = at(day, 7 + RANDOM.nextInt(8), RANDOM.nextInt(60));
          if (RANDOM.nextDouble() < 0.20) {
            String key = step(null, t);
            int retries = 1 + RANDOM.nextInt(3);
            String address = network;
            afterExpiry.add(() -> {
              for (int i = 0; i < retries; i++) {
                unchecked(() -> get(key, "/api/agents", address, staleTokens.get(subject)));
              }
            });
            t = t.plusSeconds(20);
          }
          String token = mint(ws, subject, USER_SCOPES, "1h").getString("token");
          for (int s = 2 + RANDOM.nextInt(3); s > 0; s--) {
            if (office != null && RANDOM.nextDouble() < 0.005) {
              network = network.equals(home) ? office : home;
            }
            userStep(step(null, t), ws, token, network, 2 + RANDOM.nextInt(4));
            t = t.plusSeconds(120 + RANDOM.nextInt(1080));
          }
        }
      }
    }
  }

  static void userStep(String key, String ws, String token, String address, int requests) throws Exception {
    for (int i = 0; i < requests; i++) {
      double r = RANDOM.nextDouble();
      if (r < 0.005) {
        get(key, "/api/server/logs", address, token);
      } else if (r < 0.35) {
        get(key, "/api/agents", address, token);
      } else if (r < 0.75) {
        String agent = RANDOM.nextDouble() < 0.02 ? UUID.randomUUID().toString()
            : agents.get(ws).get(RANDOM.nextInt(AGENTS));
        get(key, "/api/agents/" + agent, address, token);
      } else if (r < 0.92) {
        get(key, "/api/memories/" + memories.get(ws).get(RANDOM.nextInt(MEMORIES)), address, token);
      } else {
        send(key, "POST", "/api/agents/" + agents.get(ws).get(RANDOM.nextInt(AGENTS)) + "/message", address,
            "Authorization", "Bearer " + token);
      }
    }
  }

  /** Two operators use the admin plane on weekdays between 09:00 and 17:00 UTC. */
  static void operators(String ops) throws Exception {
    for (int op = 0; op < 2; op++) {
      String token = mint(ops, "ops.admin" + op, List.of("gatehouse:admin"), "1h").getString("token");
      for (int day = 0; day < DAYS; day++) {
        if (day % 7 >= 5) {
          continue;
        }
        for (int i = RANDOM.nextInt(4); i > 0; i--) {
          adminCall(step(null, at(day, 9 + RANDOM.nextInt(8), RANDOM.nextInt(60))), token);
        }
      }
    }
  }

  static void adminCall(String key, String token) throws Exception {
    HTTP.send(HttpRequest.newBuilder(URI.create(node.admin.url() + "/admin/v1/workspaces"))
        .header("User-Agent", key).header("Authorization", "Bearer " + token).GET().build(),
        HttpResponse.BodyHandlers.discarding());
  }

  static final Map<String, String> SERVICE_TOKENS = new HashMap<>();

  /** One service account per workspace polls the agent list once a minute, day 9 from 08:00 to 11:00. */
  static void serviceAccounts() throws Exception {
    for (String ws : workspaces) {
      String subject = "ws" + workspaces.indexOf(ws) + ".svc";
      String token = mint(ws, subject, List.of("agents:read"), "1h").getString("token");
      SERVICE_TOKENS.put(ws, token);
      for (int minute = 0; minute < 180; minute++) {
        get(step(null, at(9, 8, minute).plusSeconds(RANDOM.nextInt(50))), "/api/agents",
            "10.200." + workspaces.indexOf(ws) + ".5", token);
      }
    }
  }

  // ------------------------------------------------------------------ attacks

  static void attacks(String ops, List<Runnable> afterExpiry) throws Exception {
    for (int i = 0; i < 2; i++) {
      stuffingOverTheRate(at(10 + i, 3 + i, 10));
      stuffingThenSuccess(at(10 + i, 4, 20));
      spraying(at(9 + i, 13, 5));
      stolenToken(at(9 + i, 11, 40));
      enumeration(at(11 + i, 14, 0));
      crossWorkspaceProbe(at(12 + i, 10, 30));
      scopeProbing(at(12 + i, 15, 10));
      forbiddenRoute(at(13 + i, 9, 50));
      bulkReads(at(13 + i, 16, 0));
      forgedToken(at(14 + i, 2, 30));
      exfiltration(at(15 + i, 12, 0));
      rateBurst(i, at(9, 10, 15 * i));
      nightAdmin(ops, at(9 + i, 2, 15));
      dormantReturn(i, at(17, 10 + i, 0));
      revokedReplay(at(14 + i, 11, 0), afterExpiry);
      expiredReplay(at(15 + i, 20, 0), afterExpiry);
    }
    slowEnumeration(at(16, 8, 0));
    slowBulkReads(at(16, 13, 0));
    slowSpraying(at(11, 19, 0));
  }

  static String victimWorkspace() {
    return workspaces.get(RANDOM.nextInt(WORKSPACES));
  }

  static int victimIndex() {
    return RANDOM.nextInt(USERS - 2);
  }

  /** Stolen tokens of {@code n} background users (one per user), minted as their day's token would be. */
  static List<String> stolenTokens(int n) throws Exception {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String ws = workspaces.get(i % WORKSPACES);
      tokens.add(mint(ws, user(ws, (i / WORKSPACES) % (USERS - 2)), USER_SCOPES, "1h").getString("token"));
    }
    return tokens;
  }

  /** Raises or fails: the first instance of a family must be alerted on within 5 s of its last request. */
  static void expectLive(String attackId, String rule, String entity) throws Exception {
    if (!attackId.endsWith("#1")) {
      return;
    }
    Instant sent = Instant.now();
    long deadline = System.nanoTime() + ALERT_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      if (alerted(rule, entity)) {
        RAISED_IN_TIME.add(String.format(Locale.ROOT, "%s: %s raised %d ms after the last request", attackId, rule,
            Duration.between(sent, Instant.now()).toMillis()));
        return;
      }
      Thread.sleep(50);
    }
    LIVE_FAILURES.add(attackId + ": no " + rule + " alert for " + entity + " within " + ALERT_WITHIN.toSeconds() + " s");
  }

  static boolean alerted(String rule, String entity) throws Exception {
    JsonObject page = new JsonObject(node.admin.get("/admin/v1/alerts?limit=500&rule=" + rule).body());
    return page.getJsonArray("alerts").stream().anyMatch(a -> entity.equals(((JsonObject) a).getString("entity")));
  }

  /** 60 bad bearer credentials back to back (most answered 429 by the failed-authentication budget). */
  static void stuffingOverTheRate(Instant at) throws Exception {
    String id = attack("stuffing-over-rate", "D01");
    String address = attackerAddress();
    String key = step(id, at);
    for (int i = 0; i < 60; i++) {
      get(key, "/api/agents", address, "guess-" + RANDOM.nextLong());
    }
    expectLive(id, "D01", "client_address=" + address);
  }

  /**
   * Stuffing at the budget's rate (its burst of 10, then one a second) or under it (one every
   * 1.3 s), 21 attempts, paced in real time on a thread of its own while the other scripts run.
   */
  static Thread pacedStuffing(String family, long paceMillis, Instant at) {
    String id = attack(family, "D01");
    String address = attackerAddress();
    String key = step(id, at);
    return new Thread(() -> unchecked(() -> {
      for (int i = 0; i < 21; i++) {
        get(key, "/api/agents", address, "guess-" + i);
        if (i >= 9 || paceMillis > 1_000) {
          Thread.sleep(paceMillis);
        }
      }
      expectLive(id, "D01", "client_address=" + address);
      return null;
    }), family);
  }

  /** 12 bad credentials, then a stolen valid token from the same address. */
  static void stuffingThenSuccess(Instant at) throws Exception {
    String id = attack("stuffing-then-success", "D04");
    String address = attackerAddress();
    String key = step(id, at);
    for (int i = 0; i < 12; i++) {
      get(key, "/api/agents", address, "guess-" + i);
    }
    // The budget refuses the address for a while; the attacker retries the credential it found.
    String found = stolenTokens(1).get(0);
    for (int tries = 0; tries < 10 && get(key, "/api/agents", address, found) == 429; tries++) {
      Thread.sleep(500);
    }
    expectLive(id, "D04", "client_address=" + address);
  }

  /** 22 stolen tokens of different subjects used from one address within a second. */
  static void spraying(Instant at) throws Exception {
    String id = attack("token-spraying", "D03");
    String address = attackerAddress();
    List<String> tokens = stolenTokens(22);
    String key = step(id, at);
    for (String token : tokens) {
      get(key, "/api/agents", address, token);
    }
    expectLive(id, "D03", "client_address=" + address);
  }

  /** The same, one token every 40 s: 22 subjects in under 15 minutes. */
  static void slowSpraying(Instant at) throws Exception {
    String id = attack("token-spraying-slow", "D03");
    String address = attackerAddress();
    List<String> tokens = stolenTokens(22);
    for (int i = 0; i < tokens.size(); i++) {
      get(step(id, at.plusSeconds(40L * i)), "/api/agents", address, tokens.get(i));
    }
  }

  /** A victim's token used from the victim's home, then from two attacker networks within 10 minutes. */
  static void stolenToken(Instant at) throws Exception {
    String id = attack("stolen-token", "D05", "D07");
    String ws = victimWorkspace();
    int u = victimIndex();
    JsonObject minted = mint(ws, user(ws, u), USER_SCOPES, "1h");
    String token = minted.getString("token");
    get(step(null, at), "/api/agents", "10." + workspaces.indexOf(ws) + "." + u + ".2", token);
    for (int i = 1; i <= 2; i++) {
      get(step(id, at.plusSeconds(240L * i)), "/api/agents", attackerAddress(), token);
    }
    expectLive(id, "D05", "jti=" + minted.getString("jti"));
  }

  static String insider(String ws) throws Exception {
    return mint(ws, user(ws, victimIndex()), USER_SCOPES, "1h").getString("token");
  }

  static String subjectOf(String token) {
    String payload = token.split("\\.")[1];
    return new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8))
        .getString("sub");
  }

  /** 30 random agent ids in two seconds: answered 404. */
  static void enumeration(Instant at) throws Exception {
    String id = attack("enumeration", "D10", "D08", "D02");
    String ws = victimWorkspace();
    String token = insider(ws);
    String key = step(id, at);
    String address = attackerAddress();
    for (int i = 0; i < 30; i++) {
      get(key, "/api/agents/" + UUID.randomUUID(), address, token);
    }
    expectLive(id, "D10", "subject=" + subjectOf(token));
  }

  /** 180 random agent ids, one every 20 s for an hour. */
  static void slowEnumeration(Instant at) throws Exception {
    String id = attack("enumeration-slow", "D10", "D08", "D02");
    String ws = victimWorkspace();
    String token = insider(ws);
    String address = attackerAddress();
    for (int i = 0; i < 180; i++) {
      get(step(id, at.plusSeconds(20L * i)), "/api/agents/" + UUID.randomUUID(), address, token);
    }
  }

  /** 12 agents of another workspace asked for by id: answered 404, never forwarded. */
  static void crossWorkspaceProbe(Instant at) throws Exception {
    String id = attack("cross-workspace-probe", "D08", "D02");
    String ws = victimWorkspace();
    String other = workspaces.get((workspaces.indexOf(ws) + 1) % WORKSPACES);
    String token = insider(ws);
    String key = step(id, at);
    String address = attackerAddress();
    for (int i = 0; i < 12; i++) {
      get(key, "/api/agents/" + agents.get(other).get(i % AGENTS), address, token);
    }
    expectLive(id, "D08", "subject=" + subjectOf(token));
  }

  /** Four privileged routes tried with a member's token: 403 missing_scope. */
  static void scopeProbing(Instant at) throws Exception {
    String id = attack("scope-probing", "D16");
    String token = insider(victimWorkspace());
    String address = attackerAddress();
    String key = step(id, at);
    send(key, "GET", "/api/server/logs", address, "Authorization", "Bearer " + token);
    send(key, "POST", "/api/server/stop", address, "Authorization", "Bearer " + token);
    send(key, "POST", "/api/agents", address, "Authorization", "Bearer " + token);
    send(key, "DELETE", "/api/memories/" + UUID.randomUUID(), address, "Authorization", "Bearer " + token);
    expectLive(id, "D16", "subject=" + subjectOf(token));
  }

  /** 12 requests for a route the policy denies, with a member's token. */
  static void forbiddenRoute(Instant at) throws Exception {
    String id = attack("forbidden-route", "D02");
    String token = insider(victimWorkspace());
    String address = attackerAddress();
    String key = step(id, at);
    for (int i = 0; i < 12; i++) {
      get(key, "/api/system/env/KEY" + i, address, token);
    }
    expectLive(id, "D02", "subject=" + subjectOf(token));
  }

  /** 50 distinct memories of the own workspace read back to back. */
  static void bulkReads(Instant at) throws Exception {
    String id = attack("bulk-reads", "D11");
    String ws = victimWorkspace();
    String token = insider(ws);
    String address = attackerAddress();
    String key = step(id, at);
    for (int i = 0; i < 50; i++) {
      get(key, "/api/memories/" + memories.get(ws).get(i), address, token);
    }
    expectLive(id, "D11", "subject=" + subjectOf(token));
  }

  /** Every memory of the workspace, one every 12 s for an hour (300 reads of 60 memories). */
  static void slowBulkReads(Instant at) throws Exception {
    String id = attack("bulk-reads-slow", "D11");
    String ws = victimWorkspace();
    String token = insider(ws);
    String address = attackerAddress();
    for (int i = 0; i < 300; i++) {
      get(step(id, at.plusSeconds(12L * i)), "/api/memories/" + memories.get(ws).get(i % MEMORIES), address, token);
    }
  }

  /** A real token with its payload swapped for another subject's: bad signature. */
  static void forgedToken(Instant at) throws Exception {
    String id = attack("forged-token", "D15");
    String[] parts = insider(victimWorkspace()).split("\\.");
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
        .put("sub", "ops.admin0");
    String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    String address = attackerAddress();
    String key = step(id, at);
    get(key, "/api/agents", address, forged);
    get(key, "/api/agents", address, forged);
    expectLive(id, "D15", "client_address=" + address);
  }

  /** A victim with 15 days of history downloads 13 exports of 40 MB from the own network. */
  static void exfiltration(Instant at) throws Exception {
    String id = attack("exfiltration", "D12");
    String ws = victimWorkspace();
    int u = victimIndex();
    String token = mint(ws, user(ws, u), USER_SCOPES, "1h").getString("token");
    String key = step(id, at);
    for (int i = 0; i < 13; i++) {
      get(key, "/api/export", "10." + workspaces.indexOf(ws) + "." + u + ".2", token);
    }
  }

  /** A service account's token, 300 requests in a few seconds, two hours into its polling. */
  static void rateBurst(int i, Instant at) throws Exception {
    String id = attack("rate-burst", "D18");
    String ws = workspaces.get(i);
    String key = step(id, at);
    String address = attackerAddress();
    for (int r = 0; r < 300; r++) {
      get(key, "/api/agents", address, SERVICE_TOKENS.get(ws));
    }
  }

  /** An operator's stolen admin token used at night. */
  static void nightAdmin(String ops, Instant at) throws Exception {
    String id = attack("night-admin", "D17");
    String token = mint(ops, "ops.admin" + (FAMILY_COUNT.get("night-admin") - 1), List.of("gatehouse:admin"), "1h")
        .getString("token");
    adminCall(step(id, at), token);
  }

  /** A dormant user's token (last active day 2) used on day 17 from an attacker's network. */
  static void dormantReturn(int i, Instant at) throws Exception {
    // Not D07: a subject idle for more than its 14-day history has no networks left to compare.
    String id = attack("dormant-return", "D19");
    String ws = workspaces.get(i);
    String token = mint(ws, user(ws, USERS - 1 - i), USER_SCOPES, "1h").getString("token");
    String key = step(id, at);
    String address = attackerAddress();
    for (int r = 0; r < 3; r++) {
      get(key, "/api/agents", address, token);
    }
  }

  /** A token revoked after use, replayed by an attacker 4 times over 6 minutes. */
  static void revokedReplay(Instant at, List<Runnable> afterExpiry) throws Exception {
    String id = attack("revoked-replay", "D13");
    JsonObject minted = mint(victimWorkspace(), "leaver-" + FAMILY_COUNT.get("revoked-replay"), USER_SCOPES, "1h");
    node.admin.post("/admin/v1/tokens/revoke", new JsonObject().put("jti", minted.getString("jti")));
    String address = attackerAddress();
    List<String> keys = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      keys.add(step(id, at.plusSeconds(120L * r)));
    }
    afterExpiry.add(() -> {
      for (String key : keys) {
        unchecked(() -> get(key, "/api/agents", address, minted.getString("token")));
      }
      unchecked(() -> {
        expectLive(id, "D13", "client_address=" + address);
        return null;
      });
    });
  }

  /** An expired token replayed 12 times over 6 minutes. */
  static void expiredReplay(Instant at, List<Runnable> afterExpiry) throws Exception {
    String id = attack("expired-replay", "D14");
    String token = SHORT_LIVED.pop();
    String address = attackerAddress();
    List<String> keys = new ArrayList<>();
    for (int r = 0; r < 12; r++) {
      keys.add(step(id, at.plusSeconds(30L * r)));
    }
    afterExpiry.add(() -> {
      for (String key : keys) {
        unchecked(() -> get(key, "/api/agents", address, token));
      }
      unchecked(() -> {
        expectLive(id, "D14", "client_address=" + address);
        return null;
      });
    });
  }

  /**
   * An attacker with database access reads memories, then deletes the audit rows of two of its
   * four requests: the next event follows a gap in the node's chain.
   */
  static void auditTampering() throws Exception {
    for (int i = 0; i < 2; i++) {
      String id = attack("audit-tampering", "D20");
      String ws = victimWorkspace();
      String token = insider(ws);
      String address = attackerAddress();
      Instant t = at(16 + i, 23, 0);
      get(step(id, t), "/api/memories/" + memories.get(ws).get(0), address, token);
      String hidden = step(id, t.plusSeconds(5));
      get(hidden, "/api/memories/" + memories.get(ws).get(1), address, token);
      get(hidden, "/api/memories/" + memories.get(ws).get(2), address, token);
      try (Connection c = DriverManager.getConnection(node.database.jdbcUrl());
           PreparedStatement delete = c.prepareStatement("DELETE FROM audit_events WHERE user_agent = ?")) {
        delete.setString(1, hidden);
        long deadline = System.nanoTime() + 10_000_000_000L;
        int deleted = 0;
        while (deleted < 2 && System.nanoTime() < deadline) {
          deleted += delete.executeUpdate();
          Thread.sleep(20);
        }
        assertTrue(deleted == 2, "the tampered rows were stored, then deleted");
      }
      get(step(id, t.plusSeconds(10)), "/api/memories/" + memories.get(ws).get(3), address, token);
    }
  }

  // ------------------------------------------------------------------ benign look-alikes

  /** Benign traffic shaped like each fast attack family, below its rule's threshold. */
  static void lookalikes(List<Runnable> afterExpiry) throws Exception {
    // Day 1: the look-alikes' subjects and networks are new, as they would be (no D07 history yet).
    Instant t = at(1, 10, 0);
    // An ended browser session asking 40 times (D01 leaves session_* out).
    String browser = "198.51.100.10";
    String key = step(null, t);
    for (int i = 0; i < 40; i++) {
      send(key, "GET", "/api/agents", browser, "Cookie", SessionCookie.NAME + "=" + "B".repeat(43));
    }
    lookalike("ended browser session", "D01", "client_address=" + browser);
    // An office NAT with 12 colleagues (D03 needs 20 subjects).
    String office = "198.51.100.11";
    key = step(null, t.plusSeconds(600));
    for (String token : stolenTokens(12)) {
      get(key, "/api/agents", office, token);
    }
    lookalike("office NAT of 12", "D03", "client_address=" + office);
    // A wifi-to-cellular hand-over: one token, two networks (D05 needs three).
    String ws = workspaces.get(0);
    JsonObject minted = mint(ws, user(ws, 3), USER_SCOPES, "1h");
    get(step(null, t.plusSeconds(1200)), "/api/agents", "10.0.3.2", minted.getString("token"));
    get(step(null, t.plusSeconds(1500)), "/api/agents", "198.51.100.12", minted.getString("token"));
    lookalike("wifi to cellular", "D05", "jti=" + minted.getString("jti"));
    // A UI opening 5 deleted agents (D08 needs 10, D10 25) and 2 features it may not use (D16 needs 3).
    String uiToken = mint(ws, "ui.user", USER_SCOPES, "1h").getString("token");
    key = step(null, t.plusSeconds(1800));
    for (int i = 0; i < 5; i++) {
      get(key, "/api/agents/" + UUID.randomUUID(), "198.51.100.13", uiToken);
    }
    get(key, "/api/server/logs", "198.51.100.13", uiToken);
    send(key, "POST", "/api/agents", "198.51.100.13", "Authorization", "Bearer " + uiToken);
    lookalike("UI prefetching deleted agents", "D08", "subject=ui.user");
    lookalike("UI prefetching deleted agents", "D10", "subject=ui.user");
    lookalike("UI probing two features", "D16", "subject=ui.user");
    lookalike("UI with 7 refusals", "D02", "subject=ui.user");
    // A reader opening 20 memories (D11 needs 40).
    String readerToken = mint(ws, "reader.user", USER_SCOPES, "1h").getString("token");
    key = step(null, t.plusSeconds(2400));
    for (int i = 0; i < 20; i++) {
      get(key, "/api/memories/" + memories.get(ws).get(i), "198.51.100.14", readerToken);
    }
    lookalike("reader of 20 memories", "D11", "subject=reader.user");
    // A staging client whose key is unknown here (D15 leaves unknown_kid out).
    String[] parts = readerToken.split("\\.");
    String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
        new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8))
            .put("kid", "staging-key").encode().getBytes(StandardCharsets.UTF_8));
    key = step(null, t.plusSeconds(3000));
    get(key, "/api/agents", "198.51.100.15", header + "." + parts[1] + "." + parts[2]);
    lookalike("token of an unknown key", "D15", "client_address=198.51.100.15");
    // A client retrying its expired token 3 times, then refreshing (D14 needs 10, D04 10 failures).
    String stale = SHORT_LIVED.pop();
    String fresh = mint(workspaces.get(2), "ws2.u1", USER_SCOPES, "1h").getString("token");
    String retryKey = step(null, t.plusSeconds(3600));
    // A user who logged out and whose client retried twice (D13 needs 3).
    JsonObject loggedOut = mint(ws, "logout.user", USER_SCOPES, "1h");
    node.admin.post("/admin/v1/tokens/revoke", new JsonObject().put("jti", loggedOut.getString("jti")));
    String logoutKey = step(null, t.plusSeconds(4200));
    afterExpiry.add(() -> unchecked(() -> {
      for (int i = 0; i < 3; i++) {
        get(retryKey, "/api/agents", "198.51.100.16", stale);
      }
      get(retryKey, "/api/agents", "198.51.100.16", fresh);
      get(logoutKey, "/api/agents", "198.51.100.17", loggedOut.getString("token"));
      get(logoutKey, "/api/agents", "198.51.100.17", loggedOut.getString("token"));
      return null;
    }));
    lookalike("expired token retried 3 times", "D14", "client_address=198.51.100.16");
    lookalike("expired token retried 3 times", "D01", "client_address=198.51.100.16");
    lookalike("expired token retried, then refreshed", "D04", "client_address=198.51.100.16");
    lookalike("two retries after logout", "D13", "client_address=198.51.100.17");
  }

  static void lookalike(String family, String rule, String entity) {
    LOOKALIKES.add(new LiveCheck(family, rule, entity));
  }

  interface Action {
    Object run() throws Exception;
  }

  static void unchecked(Action action) {
    try {
      action.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ read back, compose, score

  /** Every event the gateway wrote, from PostgreSQL, in each node's chain order. */
  static List<ChainedEvent> writtenEvents() throws Exception {
    Vertx vertx = Vertx.vertx();
    Database database = Await.result(Database.open(vertx, node.gateway.config().database(),
        node.gateway.config().dataDir(), List.of(MigrationSet.GATEWAY, Gateway.AUDIT_MIGRATIONS)));
    try {
      AuditQuery query = new AuditQuery(database.pool());
      List<ChainedEvent> events = new ArrayList<>();
      String cursor = null;
      do {
        AuditPage page = Await.result(query.search(AuditFilter.ALL, cursor, AuditQuery.MAX_LIMIT));
        page.events().forEach(json -> events.add(ChainedEvent.fromJson(json)));
        cursor = page.nextCursor().orElse(null);
      } while (cursor != null);
      events.sort(Comparator.comparing(ChainedEvent::nodeId).thenComparingLong(ChainedEvent::seq));
      return events;
    } finally {
      Await.result(database.close());
      Await.result(vertx.close());
    }
  }

  static EvaluationReport score() throws Exception {
    // Wait until the writer stored everything sent.
    Thread.sleep(500);
    List<ChainedEvent> written = writtenEvents();
    Map<String, Long> lastSeq = new HashMap<>();
    Map<String, Instant> stepStart = new HashMap<>();
    List<DetectionEvent> placed = new ArrayList<>();
    List<String> stepOf = new ArrayList<>();
    for (ChainedEvent chained : written) {
      Long last = lastSeq.put(chained.nodeId(), chained.seq());
      long gap = last == null ? 0 : chained.seq() - last - 1;
      String key = chained.event().userAgent();
      if (key == null || !STEPS.containsKey(key)) {
        unscripted++;
        continue;
      }
      stepStart.merge(key, chained.event().timestamp(), (a, b) -> a.isBefore(b) ? a : b);
      placed.add(new DetectionEvent(chained.nodeId(), chained.seq(), gap, chained.event()));
      stepOf.add(key);
    }
    List<DetectionEvent> timeline = new ArrayList<>();
    Map<UUID, String> attackOf = new HashMap<>();
    Map<String, List<DetectionEvent>> eventsOfAttack = new TreeMap<>();
    for (int i = 0; i < placed.size(); i++) {
      DetectionEvent event = placed.get(i);
      Step step = STEPS.get(stepOf.get(i));
      Duration shift = Duration.between(stepStart.get(stepOf.get(i)), step.at());
      AuditEvent moved = rebased(event.event(), event.event().timestamp().plus(shift));
      DetectionEvent rebased = new DetectionEvent(event.nodeId(), event.seq(), event.seqGap(), moved);
      timeline.add(rebased);
      if (step.attackId() != null) {
        attackOf.put(moved.eventId(), step.attackId());
        eventsOfAttack.computeIfAbsent(step.attackId(), k -> new ArrayList<>()).add(rebased);
      }
    }
    timeline.sort(Comparator.comparing(e -> e.event().timestamp()));
    List<RuleDefinition> rules = new RuleLoader().loadShipped();
    List<InjectedAttack> attacks = new ArrayList<>();
    for (var expected : EXPECTED.entrySet()) {
      List<DetectionEvent> own = eventsOfAttack.getOrDefault(expected.getKey(), List.of());
      own.sort(Comparator.comparing(e -> e.event().timestamp()));
      for (String ruleId : expected.getValue()) {
        RuleDefinition rule = rules.stream().filter(r -> r.id().equals(ruleId)).findFirst().orElseThrow();
        attacks.add(new InjectedAttack(expected.getKey(), ruleId, decisive(rule, own, timeline)));
      }
    }
    int subjects = WORKSPACES * USERS + WORKSPACES + 2;
    return Evaluation.score(rules, EngineOptions.defaults().withAllowedLateness(DETECTOR_LATENESS), timeline,
        attackOf, attacks, subjects, DAYS, HEARTBEAT);
  }

  /** The same event at another time: every other field as the gateway wrote it. */
  static AuditEvent rebased(AuditEvent e, Instant ts) {
    return new AuditEvent(e.eventId(), ts, e.kind(), e.requestId(), e.decision(), e.reasonKey(), e.status(),
        e.subject(), e.workspace(), e.tokenId(), e.clientAddress(), e.userAgent(), e.method(), e.routeId(),
        e.pathTemplate(), e.resourceIds(), e.messageType(), e.latencyMicros(), e.bytesIn(), e.bytesOut(), e.traceId(), e.modelCall());
  }

  /**
   * When the rule's condition is met: the decisive event of the rule run over the attack's own
   * events alone (its threshold reached by the attack); for a rule whose condition also depends on
   * other traffic (history, baselines, the victim's own requests), the decisive event of the rule's
   * first finding over the whole timeline that holds one of the attack's events.
   */
  static Instant decisive(RuleDefinition rule, List<DetectionEvent> own, List<DetectionEvent> timeline) {
    Instant alone = firstDecisive(rule, own, null);
    if (alone != null) {
      return alone;
    }
    Set<UUID> ids = own.stream().map(e -> e.event().eventId()).collect(Collectors.toSet());
    Instant inContext = firstDecisive(rule, timeline, ids);
    return inContext != null ? inContext : own.isEmpty() ? START : own.get(0).event().timestamp();
  }

  static Instant firstDecisive(RuleDefinition rule, List<DetectionEvent> events, Set<UUID> mustHold) {
    DetectionEngine engine = new DetectionEngine(List.of(rule), EngineOptions.defaults());
    List<Finding> findings = new ArrayList<>();
    events.forEach(e -> findings.addAll(engine.accept(e)));
    findings.addAll(engine.flush());
    return findings.stream()
        .filter(f -> mustHold == null || f.evidence().stream().anyMatch(ref -> mustHold.contains(ref.eventId())))
        .map(Finding::lastEventTime).findFirst().orElse(null);
  }

  // ------------------------------------------------------------------ tests

  @Test
  @Tag("T-AUD-009")
  void every_shipped_rule_reaches_the_bar_on_the_events_the_gateway_wrote() throws Exception {
    String table = report.table();
    String artifact = "# Live-driven detection evaluation\n\n"
        + "Traffic sent through an in-process gateway, scored on the audit events it wrote "
        + "(" + unscripted + " events outside any script left out).\n\n" + table + "\n"
        + "Attacks: " + EXPECTED.entrySet().stream().map(e -> e.getKey() + " → " + String.join(", ", e.getValue()))
            .collect(Collectors.joining("; ")) + "\n";
    Files.createDirectories(ARTIFACTS);
    Files.writeString(ARTIFACTS.resolve("live-eval.md"), artifact);
    System.out.println(artifact);
    Set<String> shipped = new RuleLoader().loadShipped().stream().map(RuleDefinition::id).collect(Collectors.toSet());
    List<String> failures = new ArrayList<>();
    for (RuleScore s : report.scores()) {
      if (s.precision() < MIN_PRECISION) {
        failures.add(s.ruleId() + ": precision " + s.precision());
      }
      if (s.recall() < MIN_RECALL) {
        failures.add(s.ruleId() + ": recall " + s.recall());
      }
      if (s.attacks() == 0 && !s.ruleId().equals("D09")) {
        failures.add(s.ruleId() + ": no attack scripted");
      }
      // Slow families cannot be waited for live; in the re-based timeline their alert must follow the
      // decisive event within the same 5 s as a live alert (event time, detector heartbeat included).
      if (s.maxLatency() != null && s.maxLatency().compareTo(java.time.Duration.ofSeconds(5)) > 0) {
        failures.add(s.ruleId() + ": an attack raised after " + s.maxLatency().toMillis() + " ms");
      }
    }
    assertTrue(shipped.size() == report.scores().size(), "every shipped rule scored");
    assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
  }

  @Test
  @Tag("T-AUD-009")
  void each_attack_family_is_raised_within_five_seconds_and_its_lookalike_raises_nothing() throws Exception {
    RAISED_IN_TIME.forEach(System.out::println);
    List<String> failures = new ArrayList<>(LIVE_FAILURES);
    for (LiveCheck check : LOOKALIKES) {
      if (alerted(check.rule(), check.entity())) {
        failures.add(check.family() + ": raised " + check.rule() + " for " + check.entity());
      }
    }
    assertTrue(RAISED_IN_TIME.size() == 14, "every fast family was checked: " + RAISED_IN_TIME);
    assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
  }
}
