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
