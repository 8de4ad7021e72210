package dev.gatehouse.auditdetector.eval;

import dev.gatehouse.auditdetector.chain.ChainHash;
import dev.gatehouse.auditdetector.chain.ChainedEvent;
import dev.gatehouse.auditdetector.event.AuditEvent;
import dev.gatehouse.auditdetector.event.Decision;
import dev.gatehouse.auditdetector.event.EventKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Seeded, labelled gateway traffic: a benign background of {@link #WORKSPACES} workspaces with
 * {@link #USERS_PER_WORKSPACE} users each over {@link #DAYS} simulated days, plus
 * {@link #ATTACKS_PER_RULE} injected attacks per shipped rule from day {@link #FIRST_ATTACK_DAY}.
 *
 * <p>Background: users work in their workspace's time zone on weekdays (85 %) and rarely on
 * weekends (10 %); 5 % are occasional users (7 % of days). Each user has a home network, a third of
 * them also an office NAT shared with up to 12 colleagues; each day uses one of them and may switch
 * mid-day. Requests: agent list, agent reads (1.5 % of them for deleted agents, answered 404),
 * memory reads, messages, workspace-scoped reads of the own workspace, and 0.3 % refused for a
 * missing scope. Days start with expired-token retries (20 %), rare malformed tokens (1 %), rare
 * revocations with one or two refused retries (0.2 %) and rare travel from a new network (0.05 %).
 * One service account per workspace polls once a minute around the clock. Three operators use
 * the admin plane on weekdays 09–17 UTC and, on 1 % of days, once at night (on call). Events go to
 * two nodes and arrive up to {@link #MAX_ARRIVAL_JITTER} after their event time.
 *
 * <p>Model calls (egress events): {@link #CHAT_AGENTS} agents per workspace call the model from the
 * workspace's runtime address, about every 4 minutes during the workspace's working hours on
 * weekdays and every 30 minutes around the clock, 500–3,500 input and 50–650 output tokens, one
 * in five an embedding; on 2 % of agent-days an ingestion batch of 40 embedding calls in 10
 * minutes; 0.1 % of calls refused for budget; on 1 % of agent-days a redeploy rotates the agent's
 * credential and one or two calls in flight are refused as revoked; on day 12 one workspace adopts
 * a new model on purpose. These draws use their own random source, so the rest of the traffic is
 * what it was before model calls existed.
 */
public final class TrafficGenerator {

  /** Simulated days. */
  public static final int DAYS = 21;
  /** Workspaces. */
  public static final int WORKSPACES = 6;
  /** Users per workspace (the service account and operators come on top). */
  public static final int USERS_PER_WORKSPACE = 70;
  /** Attacks injected per rule. */
  public static final int ATTACKS_PER_RULE = 10;
  /** First day with attacks (after the first-seen warm-up). */
  public static final int FIRST_ATTACK_DAY = 8;
  /** Largest delay between an event's time and its arrival at the engine. */
  public static final Duration MAX_ARRIVAL_JITTER = Duration.ofSeconds(2);
  /** Start of the simulation, a Monday. */
  public static final Instant START = Instant.parse("2025-03-03T00:00:00Z");

  private static final long EXFIL_SEED = 0x5EEDD012L;
  private static final long EGRESS_SEED = 0x5EED0E61L;
  /** Agents per workspace that call the model. */
  public static final int CHAT_AGENTS = 6;
  private static final String[][] WORKSPACE_MODELS = {{"gpt-4o-mini", "gpt-4o"}, {"gpt-4o-mini"}};
  private static final String EMBEDDING_MODEL = "text-embedding-3-small";
  /** The model one workspace adopts on purpose on {@link #ADOPTION_DAY}. */
  private static final String ADOPTED_MODEL = "gpt-4.1-mini";
  private static final int ADOPTION_DAY = 12;
  /** Models a hijacked agent turns to (D24), one per attack. */
  private static final String[] EXPENSIVE_MODELS = {"o1-pro", "gpt-4.5-preview", "o3-pro", "claude-opus-4-1",
      "gpt-5-pro", "o1-preview", "claude-3-opus", "gpt-4-32k", "o3-deep-research", "gpt-4-turbo"};
  /** Bytes of one response in a D12 attack: 40 MB, so the 13th of an hour crosses 500 MB. */
  private static final long EXFIL_RESPONSE_BYTES = 40_000_000L;
  private static final int[] TIME_ZONES = {0, 1, -5, -8, 5, 9};
  private static final int AGENTS_PER_WORKSPACE = 20;
  private static final int MEMORIES_PER_WORKSPACE = 300;
  private static final int OFFICE_SIZE = 12;
  private static final int DORMANT_VICTIMS = ATTACKS_PER_RULE;
  private static final String[] NODES = {"node-a", "node-b"};
  private static final String[] PRIVILEGED_ROUTES = {"server-logs", "system-env", "server-stop", "memory-delete",
      "agent-create"};

  private record User(String subject, String workspace, int index, String home, String office, boolean occasional,
      boolean dormantVictim) {
  }

  private record Pending(long arrivalMicros, AuditEvent event, String attackId, long seqSkip) {
  }

  /** Fewest simulated days: attacks on dormant subjects (D19) need day 17 and later. */
  public static final int MIN_DAYS = 18;
  /** Fewest users per workspace: one office's worth. */
  public static final int MIN_USERS_PER_WORKSPACE = 12;

  private final int days;
  private final Random random;
  /**
   * Draws for the D12 attacks only, so that adding them left every other draw, and with it the
   * rest of the traffic, as it was.
   */
  private final Random exfilRandom;
  /** Draws for model calls and their attacks only, for the same reason. */
  private final Random egressRandom;
  private final List<User> users = new ArrayList<>();
  private final List<InjectedAttack> attacks = new ArrayList<>();
  private final PriorityQueue<Pending> pending = new PriorityQueue<>(Comparator.comparingLong(Pending::arrivalMicros));
  private final Map<String, Long> seqByNode = new HashMap<>();
  private final Map<String, Integer> attackCounter = new HashMap<>();
  private long requestCounter;

  /** A generator of {@link #DAYS} days and {@link #USERS_PER_WORKSPACE} users per workspace. */
  public TrafficGenerator(long seed) {
    this(seed, DAYS, USERS_PER_WORKSPACE);
  }

  /**
   * A generator; the same arguments always yield the same traffic.
   *
   * @throws IllegalArgumentException for fewer than {@link #MIN_DAYS} days or
   *     {@link #MIN_USERS_PER_WORKSPACE} users per workspace
   */
  public TrafficGenerator(long seed, int days, int usersPerWorkspace) {
    if (days < MIN_DAYS || usersPerWorkspace < MIN_USERS_PER_WORKSPACE) {
      throw new IllegalArgumentException("at least " + MIN_DAYS + " days and " + MIN_USERS_PER_WORKSPACE
          + " users per workspace");
    }
    this.days = days;
    this.random = new Random(seed);
    this.exfilRandom = new Random(seed ^ EXFIL_SEED);
    this.egressRandom = new Random(seed ^ EGRESS_SEED);
    for (int w = 0; w < WORKSPACES; w++) {
      for (int u = 0; u < usersPerWorkspace; u++) {
        String office = u < usersPerWorkspace / 3 ? "172.16." + w + "." + (1 + u / OFFICE_SIZE) : null;
        users.add(new User("ws" + w + ".u" + u, "ws" + w, u, "10." + w + "." + u + "." + (2 + random.nextInt(200)),
            office, random.nextDouble() < 0.05, u >= usersPerWorkspace - DORMANT_VICTIMS / WORKSPACES - 1));
      }
    }
  }

  /** Simulated days. */
  public int days() {
    return days;
  }

  /** Subjects in the background (users, service accounts, operators). */
  public int subjects() {
    return users.size() + WORKSPACES + 3;
  }

  /** The attacks injected so far (all of them once {@link #generate} returned). */
  public List<InjectedAttack> attacks() {
    return List.copyOf(attacks);
  }

  /** Generates the whole run, day by day, in arrival order. */
  public void generate(Consumer<LabelledEvent> sink) {
    List<List<Runnable>> attackPlan = planAttacks();
    for (int day = 0; day < days; day++) {
      Instant dayStart = START.plus(Duration.ofDays(day));
      background(day, dayStart);
      modelCalls(day, dayStart);
      attackPlan.get(day).forEach(Runnable::run);
      drain(micros(dayStart.plus(Duration.ofDays(1))), sink);
    }
    drain(Long.MAX_VALUE, sink);
  }

  // ---------------------------------------------------------------- background

  private void background(int day, Instant dayStart) {
    boolean weekend = day % 7 >= 5;
    for (User user : users) {
      boolean active = user.dormantVictim() ? day < 3
          : random.nextDouble() < (user.occasional() ? 0.07 : weekend ? 0.10 : 0.85);
      if (active) {
        userDay(user, day, dayStart);
      }
    }
    for (int w = 0; w < WORKSPACES; w++) {
      String subject = "ws" + w + ".svc";
      for (int minute = 0; minute < 1440; minute++) {
        emit(allowed(subject, "ws" + w, subject + "-d" + day, "10.200." + w + ".5", "GET", "agents-list",
            "/api/agents", null, null, 200), dayStart.plusSeconds(minute * 60L + random.nextInt(60)), null, 0);
      }
    }
    if (!weekend) {
      for (int op = 0; op < 3; op++) {
        for (int i = random.nextInt(5); i > 0; i--) {
          emit(adminAction("ops.admin" + op), dayStart.plusSeconds(9 * 3600 + random.nextInt(8 * 3600)), null, 0);
        }
      }
    }
    if (random.nextDouble() < 0.01) {
      emit(adminAction("ops.admin" + random.nextInt(3)), dayStart.plusSeconds(3600 + random.nextInt(4 * 3600)), null, 0);
    }
  }

  private void modelCalls(int day, Instant dayStart) {
    boolean weekend = day % 7 >= 5;
    for (int w = 0; w < WORKSPACES; w++) {
      String ws = "ws" + w;
      long localStart = Math.floorMod(8 * 3600L - TIME_ZONES[w] * 3600L, 86_400L);
      for (int a = 0; a < CHAT_AGENTS; a++) {
        String agent = ws + "-agent-" + a;
        for (Instant t = dayStart.plusSeconds(egressRandom.nextInt(1800)); t.isBefore(dayStart.plus(Duration.ofDays(1)));
            t = t.plusSeconds(900 + egressRandom.nextInt(1800))) {
          emitEgress(modelCall(ws, agent, runtimeAddress(w), workspaceModel(w, day), false), t);
        }
        if (!weekend) {
          Instant end = dayStart.plusSeconds(localStart + 10 * 3600L);
          for (Instant t = dayStart.plusSeconds(localStart + egressRandom.nextInt(1800)); t.isBefore(end);
              t = t.plusMillis((long) (-Math.log(1 - egressRandom.nextDouble()) * 240_000) + 500)) {
            emitEgress(modelCall(ws, agent, runtimeAddress(w), workspaceModel(w, day), false), t);
          }
        }
        if (egressRandom.nextDouble() < 0.02) {
          Instant batch = dayStart.plusSeconds(egressRandom.nextInt(86_000));
          for (int i = 0; i < 40; i++) {
            emitEgress(modelCall(ws, agent, runtimeAddress(w), EMBEDDING_MODEL, true), batch.plusSeconds(i * 15L));
          }
        }
        if (egressRandom.nextDouble() < 0.01) {
          Instant redeploy = dayStart.plusSeconds(egressRandom.nextInt(86_000));
          for (int i = 1 + egressRandom.nextInt(2); i > 0; i--) {
            emitEgress(egressRefused("egress_credential_revoked", runtimeAddress(w), agent), redeploy.plusSeconds(i));
          }
        }
      }
    }
  }

  private String workspaceModel(int w, int day) {
    double r = egressRandom.nextDouble();
    if (r < 0.2) {
      return EMBEDDING_MODEL;
    }
    if (w == 1 && day >= ADOPTION_DAY && r < 0.5) {
      return ADOPTED_MODEL;
    }
    String[] models = WORKSPACE_MODELS[w % 2];
    return models[egressRandom.nextInt(models.length)];
  }

  /** An allowed model call (0.1 % refused for budget) of {@code agent} with drawn token counts. */
  private AuditEvent.Builder modelCall(String workspace, String agent, String address, String model, boolean batch) {
    boolean embedding = model.equals(EMBEDDING_MODEL);
    long in = embedding && batch ? 2_000 : 500 + egressRandom.nextInt(3_000);
    long out = embedding ? 0 : 50 + egressRandom.nextInt(600);
    boolean overBudget = egressRandom.nextDouble() < 0.001;
    AuditEvent.Builder b = AuditEvent.builder(EventKind.EGRESS, overBudget ? Decision.DENY : Decision.ALLOW,
            overBudget ? "budget_exceeded" : "allowed")
        .status(overBudget ? 429 : 200).principal("agent:" + agent, workspace, "eg-" + agent).clientAddress(address)
        .method("POST").route(embedding ? "egress.openai.embeddings" : "egress.openai.chat_completions",
            embedding ? "/v1/embeddings" : "/v1/chat/completions");
    return overBudget ? b.modelCall(agent, "openai", model, 0, 0, 0)
        : b.modelCall(agent, "openai", model, in, out, (in * 150 + out * 600) / 1_000).bytes(in * 4, out * 4 + 300);
  }

  private static AuditEvent.Builder egressRefused(String reason, String address, String agent) {
    return AuditEvent.builder(EventKind.EGRESS, Decision.DENY, reason).status(401).principal(null, null, "eg-" + agent)
        .clientAddress(address).method("POST").route("egress.openai.chat_completions", "/v1/chat/completions")
        .modelCall(null, "openai", null, 0, 0, 0);
  }

  private static String runtimeAddress(int workspace) {
    return "10.250." + workspace + ".1";
  }

  private void emitEgress(AuditEvent.Builder builder, Instant at) {
    emit(builder, at, null, 0, egressRandom);
  }

  private void userDay(User user, int day, Instant dayStart) {
    String network = user.office() != null && random.nextBoolean() ? user.office() : user.home();
    if (random.nextDouble() < 0.0005) {
      network = "100.64." + random.nextInt(256) + "." + (1 + random.nextInt(250));
    }
    String jti = user.subject() + "-d" + day;
    long localStart = (8 + random.nextInt(3)) * 3600L - TIME_ZONES[user.workspace().charAt(2) - '0'] * 3600L;
    Instant t = dayStart.plusSeconds(Math.floorMod(localStart, 86_400L) + random.nextInt(3600));
    if (random.nextDouble() < 0.20) {
      for (int i = 1 + random.nextInt(3); i > 0; i--) {
        emit(refused("expired", network), t, null, 0);
        t = t.plusSeconds(1 + random.nextInt(5));
      }
    }
    if (random.nextDouble() < 0.01) {
      emit(refused("malformed_token", network), t, null, 0);
    }
    for (int session = 1 + random.nextInt(2); session > 0; session--) {
      Instant end = t.plusSeconds(1200 + random.nextInt(3600));
      while (t.isBefore(end)) {
        if (user.office() != null && random.nextDouble() < 0.005) {
          network = network.equals(user.home()) ? user.office() : user.home();
        }
        emit(userRequest(user, jti, network), t, null, 0);
        t = t.plusMillis((long) (-Math.log(1 - random.nextDouble()) * 60_000) + 200);
      }
      t = t.plusSeconds(1800 + random.nextInt(7200));
    }
    if (random.nextDouble() < 0.002) {
      for (int i = 1 + random.nextInt(2); i > 0; i--) {
        emit(refused("revoked", network), t.plusSeconds(i), null, 0);
      }
    }
  }

  private AuditEvent.Builder userRequest(User user, String jti, String network) {
    double r = random.nextDouble();
    String ws = user.workspace();
    if (r < 0.003) {
      return denied(user.subject(), ws, jti, network, "missing_scope",
          PRIVILEGED_ROUTES[random.nextInt(PRIVILEGED_ROUTES.length)]);
    } else if (r < 0.35) {
      return allowed(user.subject(), ws, jti, network, "GET", "agents-list", "/api/agents", null, null, 200);
    } else if (r < 0.80) {
      boolean gone = random.nextDouble() < 0.015;
      return allowed(user.subject(), ws, jti, network, "GET", "agents-get", "/api/agents/{agentId}", "agentId",
          gone ? "gone-" + random.nextInt(1000) : agent(ws), gone ? 404 : 200);
    } else if (r < 0.92) {
      return allowed(user.subject(), ws, jti, network, "GET", "memory-get", "/api/memories/{memoryId}", "memoryId",
          ws + "-mem-" + random.nextInt(MEMORIES_PER_WORKSPACE), 200);
    } else if (r < 0.97) {
      return allowed(user.subject(), ws, jti, network, "POST", "agent-message", "/api/agents/{agentId}/message",
          "agentId", agent(ws), 200);
    }
    return allowed(user.subject(), ws, jti, network, "GET", "workspace-agents", "/api/workspaces/{workspaceId}/agents",
        "workspaceId", ws, 200);
  }

  private String agent(String workspace) {
    return workspace + "-agent-" + random.nextInt(AGENTS_PER_WORKSPACE);
  }

  // ---------------------------------------------------------------- attacks

  /** {@link #ATTACKS_PER_RULE} attacks per rule at random times from {@link #FIRST_ATTACK_DAY}, by day. */
  private List<List<Runnable>> planAttacks() {
    List<List<Runnable>> byDay = new ArrayList<>();
    for (int d = 0; d < days; d++) {
      byDay.add(new ArrayList<>());
    }
    List<Map.Entry<String, Consumer<Instant>>> kinds = List.of(
        Map.entry("D01", this::failedBurst), Map.entry("D02", this::denialBurst), Map.entry("D03", this::spray),
        Map.entry("D04", this::successAfterFailures), Map.entry("D05", this::tokenManyNetworks),
        Map.entry("D07", this::newNetwork), Map.entry("D08", this::crossWorkspaceProbe),
        Map.entry("D09", this::crossWorkspaceAllow), Map.entry("D10", this::enumeration),
        Map.entry("D11", this::bulkReads), Map.entry("D13", this::revokedReplay), Map.entry("D14", this::expiredReplay),
        Map.entry("D15", this::forgedToken), Map.entry("D16", this::scopeEscalation),
        Map.entry("D17", this::adminOffHours), Map.entry("D18", this::rateBurst), Map.entry("D19", this::dormantReturn),
        Map.entry("D20", this::auditGap));
    for (var kind : kinds) {
      for (int i = 0; i < ATTACKS_PER_RULE; i++) {
        int first = kind.getKey().equals("D19") ? 17 : FIRST_ATTACK_DAY;
        int day = first + random.nextInt(days - first);
        Instant at = START.plus(Duration.ofDays(day)).plusSeconds(3600 + random.nextInt(20 * 3600));
        byDay.get(day).add(() -> kind.getValue().accept(at));
      }
    }
    for (int i = 0; i < ATTACKS_PER_RULE; i++) {
      int day = FIRST_ATTACK_DAY + exfilRandom.nextInt(days - FIRST_ATTACK_DAY);
      Instant at = START.plus(Duration.ofDays(day)).plusSeconds(3600 + exfilRandom.nextInt(20 * 3600));
      byDay.get(day).add(() -> exfiltration(at));
    }
    List<Map.Entry<String, Consumer<Instant>>> egressKinds = List.of(Map.entry("D21", this::runawayAgent),
        Map.entry("D22", this::revokedCredentialReplay), Map.entry("D23", this::stolenCredential),
        Map.entry("D24", this::expensiveModel));
    for (var kind : egressKinds) {
      for (int i = 0; i < ATTACKS_PER_RULE; i++) {
        int day = FIRST_ATTACK_DAY + egressRandom.nextInt(days - FIRST_ATTACK_DAY);
        Instant at = START.plus(Duration.ofDays(day)).plusSeconds(3600 + egressRandom.nextInt(20 * 3600));
        byDay.get(day).add(() -> kind.getValue().accept(at));
      }
    }
    return byDay;
  }

  private String attackerAddress() {
    return "45." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(250));
  }

  private User victim() {
    User user;
    do {
      user = users.get(random.nextInt(users.size()));
    } while (user.occasional() || user.dormantVictim());
    return user;
  }

  private String jtiOf(User user, Instant at) {
    return user.subject() + "-d" + Duration.between(START, at).toDays();
  }

  /** Emits the events of one attack every {@code gapMillis}; the {@code decisive}-th (1-based) is decisive. */
  private void attack(String ruleId, Instant start, long gapMillis, int decisive, List<AuditEvent.Builder> events) {
    String id = ruleId + "#" + attackCounter.merge(ruleId, 1, Integer::sum);
    for (int i = 0; i < events.size(); i++) {
      Instant at = start.plusMillis(i * gapMillis);
      emit(events.get(i), at, id, 0);
      if (i == decisive - 1) {
        attacks.add(new InjectedAttack(id, ruleId, at));
      }
    }
  }

  private void failedBurst(Instant at) {
    String address = attackerAddress();
    String[] reasons = {"malformed_token", "bad_issuer", "unknown_kid", "bad_audience"};
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      events.add(refused(reasons[i % reasons.length], address));
    }
    attack("D01", at, 6_000, 20, events);
  }

  private void denialBurst(Instant at) {
    User v = victim();
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      events.add(denied(v.subject(), v.workspace(), jtiOf(v, at), v.home(), i % 2 == 0 ? "route_denied" : "no_route",
          i % 2 == 0 ? "server-stop" : "unknown"));
    }
    attack("D02", at, 20_000, 10, events);
  }

  private void spray(Instant at) {
    String address = attackerAddress();
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      User v = victim();
      events.add(allowed(v.subject(), v.workspace(), jtiOf(v, at), address, "GET", "agents-list", "/api/agents",
          null, null, 200));
    }
    attack("D03", at, 20_000, 20, events);
  }

  private void successAfterFailures(Instant at) {
    String address = attackerAddress();
    User v = victim();
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      events.add(refused("malformed_token", address));
    }
    events.add(allowed(v.subject(), v.workspace(), jtiOf(v, at), address, "GET", "agents-list", "/api/agents",
        null, null, 200));
    attack("D04", at, 10_000, 13, events);
  }

  private void tokenManyNetworks(Instant at) {
    User v = victim();
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      events.add(allowed(v.subject(), v.workspace(), jtiOf(v, at), i == 0 ? v.home() : attackerAddress(), "GET",
          "agents-list", "/api/agents", null, null, 200));
    }
    attack("D05", at, 120_000, 3, events);
  }

  private void newNetwork(Instant at) {
    User v = victim();
    String address = attackerAddress();
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      events.add(allowed(v.subject(), v.workspace(), jtiOf(v, at), address, "GET", "agents-list", "/api/agents",
          null, null, 200));
    }
    attack("D07", at, 30_000, 1, events);
  }

  private void crossWorkspaceProbe(Instant at) {
    User v = victim();
    String foreign = "ws" + ((v.workspace().charAt(2) - '0' + 1) % WORKSPACES);
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      events.add(allowed(v.subject(), v.workspace(), jtiOf(v, at), v.home(), "GET", "agents-get",
          "/api/agents/{agentId}", "agentId", foreign + "-agent-" + i, 404));
    }
    attack("D08", at, 15_000, 10, events);
  }

  private void crossWorkspaceAllow(Instant at) {
    User v = victim();
    String foreign = "ws" + ((v.workspace().charAt(2) - '0' + 2) % WORKSPACES);
    attack("D09", at, 0, 1, List.of(allowed(v.subject(), v.workspace(), jtiOf(v, at), v.home(), "GET",
        "workspace-agents", "/api/workspaces/{workspaceId}/agents", "workspaceId", foreign, 200)));
  }

  private void enumeration(Instant at) {
    User v = victim();
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      events.add(allowed(v.subject(), v.workspace(), jtiOf(v, at), v.home(), "GET", "agents-get",
          "/api/agents/{agentId}", "agentId", UUID.randomUUID().toString(), 404));
    }
    attack("D10", at, 5_000, 25, events);
  }

  private void bulkReads(Instant at) {
    User v = victim();
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      events.add(allowed(v.subject(), v.workspace(), jtiOf(v, at), v.home(), "GET", "memory-get",
          "/api/memories/{memoryId}", "memoryId", v.workspace() + "-mem-" + i, 200));
    }
    attack("D11", at, 6_000, 40, events);
  }

  private void revokedReplay(Instant at) {
    String address = attackerAddress();
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      events.add(refused("revoked", address));
    }
    attack("D13", at, 75_000, 3, events);
  }

  private void expiredReplay(Instant at) {
    String address = attackerAddress();
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      events.add(refused("expired", address));
    }
    attack("D14", at, 30_000, 10, events);
  }

  private void forgedToken(Instant at) {
    String address = attackerAddress();
    attack("D15", at, 3_000, 1, List.of(refused("bad_signature", address), refused("algorithm_mismatch", address)));
  }

  private void scopeEscalation(Instant at) {
    User v = victim();
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (String route : PRIVILEGED_ROUTES) {
      events.add(denied(v.subject(), v.workspace(), jtiOf(v, at), v.home(), "missing_scope", route));
    }
    attack("D16", at, 40_000, 3, events);
  }

  private void adminOffHours(Instant at) {
    Instant night = at.truncatedTo(java.time.temporal.ChronoUnit.DAYS).plusSeconds(3600 + random.nextInt(4 * 3600));
    attack("D17", night, 0, 1, List.of(adminAction("ops.admin" + random.nextInt(3))));
  }

  private void rateBurst(Instant at) {
    String w = "ws" + random.nextInt(WORKSPACES);
    String subject = w + ".svc";
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      events.add(allowed(subject, w, subject + "-d" + Duration.between(START, at).toDays(), attackerAddress(), "GET",
          "agents-list", "/api/agents", null, null, 200));
    }
    attack("D18", at, 400, 60, events);
  }

  private void dormantReturn(Instant at) {
    List<User> dormant = users.stream().filter(User::dormantVictim).toList();
    User v = dormant.get(attackCounter.getOrDefault("D19", 0) % dormant.size());
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      events.add(allowed(v.subject(), v.workspace(), jtiOf(v, at), v.home(), "GET", "agents-list", "/api/agents",
          null, null, 200));
    }
    attack("D19", at, 30_000, 1, events);
  }

  /** A victim's token downloads 25 responses of 40 MB in 25 minutes from the victim's own network. */
  private void exfiltration(Instant at) {
    User v;
    do {
      v = users.get(exfilRandom.nextInt(users.size()));
    } while (v.occasional() || v.dormantVictim());
    String id = "D12#" + attackCounter.merge("D12", 1, Integer::sum);
    for (int i = 0; i < 25; i++) {
      Instant when = at.plusSeconds(60L * i);
      emit(allowed(v.subject(), v.workspace(), jtiOf(v, at), v.home(), "GET", "agents-list", "/api/agents", null, null,
          200).bytes(300, EXFIL_RESPONSE_BYTES), when, id, 0, exfilRandom);
      if (i == 12) {
        attacks.add(new InjectedAttack(id, "D12", when));
      }
    }
  }

  private void auditGap(Instant at) {
    String id = "D20#" + attackCounter.merge("D20", 1, Integer::sum);
    User v = victim();
    emit(allowed(v.subject(), v.workspace(), jtiOf(v, at), v.home(), "GET", "agents-list", "/api/agents", null, null,
        200), at, id, 5 + random.nextInt(46));
    attacks.add(new InjectedAttack(id, "D20", at));
  }

  /** One agent's egress attack: {@code events} every {@code gapMillis}, the {@code decisive}-th decisive. */
  private void egressAttack(String ruleId, Instant start, long gapMillis, int decisive, List<AuditEvent.Builder> events) {
    String id = ruleId + "#" + attackCounter.merge(ruleId, 1, Integer::sum);
    for (int i = 0; i < events.size(); i++) {
      Instant at = start.plusMillis(i * gapMillis);
      emit(events.get(i), at, id, 0, egressRandom);
      if (i == decisive - 1) {
        attacks.add(new InjectedAttack(id, ruleId, at));
      }
    }
  }

  /** A hijacked agent calls the model in a loop: 60 calls of about 5,000 tokens, 3 s apart. */
  private void runawayAgent(Instant at) {
    int w = egressRandom.nextInt(WORKSPACES);
    String agent = "ws" + w + "-agent-" + egressRandom.nextInt(CHAT_AGENTS);
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      long in = 4_000 + egressRandom.nextInt(1_000);
      events.add(modelCallOf("ws" + w, agent, runtimeAddress(w), WORKSPACE_MODELS[w % 2][0], in, 800));
    }
    egressAttack("D21", at, 3_000, 21, events);
  }

  /** A revoked or made-up egress credential tried five times from outside. */
  private void revokedCredentialReplay(Instant at) {
    String address = "45." + egressRandom.nextInt(256) + "." + egressRandom.nextInt(256) + "." + (1 + egressRandom.nextInt(250));
    String agent = "ws" + egressRandom.nextInt(WORKSPACES) + "-agent-" + egressRandom.nextInt(CHAT_AGENTS);
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      events.add(egressRefused(i % 2 == 0 ? "egress_credential_revoked" : "egress_credential_unknown", address, agent));
    }
    egressAttack("D22", at, 20_000, 3, events);
  }

  /** An agent's valid credential, copied out of its runtime, used from another host. */
  private void stolenCredential(Instant at) {
    int w = egressRandom.nextInt(WORKSPACES);
    String agent = "ws" + w + "-agent-" + egressRandom.nextInt(CHAT_AGENTS);
    String address = "45." + egressRandom.nextInt(256) + "." + egressRandom.nextInt(256) + "." + (1 + egressRandom.nextInt(250));
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      events.add(modelCallOf("ws" + w, agent, address, WORKSPACE_MODELS[w % 2][0], 1_500, 300));
    }
    egressAttack("D23", at, 10_000, 1, events);
  }

  /** A hijacked agent turns to an expensive model its workspace never used. */
  private void expensiveModel(Instant at) {
    int w = egressRandom.nextInt(WORKSPACES);
    String agent = "ws" + w + "-agent-" + egressRandom.nextInt(CHAT_AGENTS);
    String model = EXPENSIVE_MODELS[(attackCounter.getOrDefault("D24", 0)) % EXPENSIVE_MODELS.length];
    List<AuditEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      events.add(modelCallOf("ws" + w, agent, runtimeAddress(w), model, 2_000, 500));
    }
    egressAttack("D24", at, 30_000, 1, events);
  }

  private static AuditEvent.Builder modelCallOf(String workspace, String agent, String address, String model, long in,
      long out) {
    return AuditEvent.builder(EventKind.EGRESS, Decision.ALLOW, "allowed").status(200)
        .principal("agent:" + agent, workspace, "eg-" + agent).clientAddress(address).method("POST")
        .route("egress.openai.chat_completions", "/v1/chat/completions")
        .modelCall(agent, "openai", model, in, out, (in * 150 + out * 600) / 1_000).bytes(in * 4, out * 4 + 300);
  }

  // ---------------------------------------------------------------- events

  private static AuditEvent.Builder allowed(String subject, String workspace, String jti, String address, String method,
      String route, String template, String resourceName, String resourceId, int status) {
    // Response sizes are deterministic (no draw), 2 kB to 200 kB per subject and route.
    AuditEvent.Builder b = AuditEvent.builder(EventKind.HTTP, Decision.ALLOW, "allowed").status(status)
        .principal(subject, workspace, jti).clientAddress(address).method(method).route(route, template)
        .bytes(300, 2_000 + Math.floorMod((subject + route).hashCode(), 198_000));
    return resourceName == null ? b : b.resourceId(resourceName, resourceId);
  }

  private static AuditEvent.Builder denied(String subject, String workspace, String jti, String address, String reason,
      String route) {
    return AuditEvent.builder(EventKind.HTTP, Decision.DENY, reason).status("no_route".equals(reason) ? 404 : 403)
        .principal(subject, workspace, jti).clientAddress(address).method("GET").route(route, "/api/" + route);
  }

  private static AuditEvent.Builder refused(String reason, String address) {
    return AuditEvent.builder(EventKind.HTTP, Decision.DENY, reason).status(401).clientAddress(address)
        .method("GET").route("agents-list", "/api/agents");
  }

  private static AuditEvent.Builder adminAction(String subject) {
    return AuditEvent.builder(EventKind.ADMIN, Decision.ALLOW, "allowed").status(200).principal(subject, null, null)
        .clientAddress("192.0.2.10").method("POST").route("admin-tokens", "/admin/v1/tokens");
  }

  private void emit(AuditEvent.Builder builder, Instant at, String attackId, long seqSkip) {
    emit(builder, at, attackId, seqSkip, random);
  }

  private void emit(AuditEvent.Builder builder, Instant at, String attackId, long seqSkip, Random draws) {
    AuditEvent event = builder.eventId(new UUID(draws.nextLong(), draws.nextLong()))
        .requestId("g" + requestCounter++).timestamp(at).build();
    long jitter = (long) (draws.nextDouble() * MAX_ARRIVAL_JITTER.toNanos() / 1_000);
    pending.add(new Pending(micros(at) + jitter, event, attackId, seqSkip));
  }

  private void drain(long beforeMicros, Consumer<LabelledEvent> sink) {
    while (!pending.isEmpty() && pending.peek().arrivalMicros() < beforeMicros) {
      Pending next = pending.poll();
      String node = NODES[(int) (next.arrivalMicros() % NODES.length)];
      long seq = seqByNode.merge(node, 1 + next.seqSkip(), Long::sum);
      sink.accept(new LabelledEvent(new ChainedEvent(node, seq, next.event(), ChainHash.GENESIS, ChainHash.GENESIS),
          next.attackId()));
    }
  }

  private static long micros(Instant instant) {
    return java.time.temporal.ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }
}
