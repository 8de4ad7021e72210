package dev.gatehouse.gateway.bench;

import dev.gatehouse.gateway.authn.TokenVerifier;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Proxy throughput against a local JSON upstream, six ways (eight with HAProxy), in one run:
 *
 * <ul>
 *   <li><b>auth on</b>: the gateway, a route that needs a scope, a bearer token on every request
 *       (cache hits after the first use of each token);
 *   <li><b>fresh token</b>: as auth on, but the load cycles through more tokens than the
 *       verifier's cache holds, so that every request pays a full ES256 verification;
 *   <li><b>audit off</b>: as auth on, with the main listener's audit events dropped once built
 *       instead of going to the audit writer (see {@link AuditSwitch});
 *   <li><b>auth off</b>: the same gateway, an identical {@code public} route, no token; the
 *       pipeline still stamps a request id, canonicalizes, rate-limits, logs and audits;
 *   <li><b>plain proxy</b>: the gateway's proxy component alone, with no pipeline;
 *   <li><b>direct</b>: the upstream without any proxy, which shows the load generator's ceiling;
 *   <li><b>haproxy plain</b> and <b>haproxy jwt</b>, when {@code haproxy} is installed: HAProxy in
 *       front of the same upstream, proxying plainly and verifying an ES256 token on every
 *       request (see {@link HaproxyRival}), for the scale comparison.
 * </ul>
 *
 * Then, with wrk, <b>direct/2</b> and <b>auth on/2</b>: the same two cases paced to about half of
 * auth on's maximum rate, for the latency the gateway adds below saturation.
 *
 * <p>After a warm-up, rounds cycle through the cases in that order and each figure is the median of
 * its rounds. Before each round the audit queue is allowed to drain. Each round also reads the CPU
 * time of the process serving it (this JVM for the gateway cases, HAProxy for its own) and of
 * PostgreSQL (postmaster and backends) before and after, as microseconds per exchange. The
 * upstream is nginx when it is installed, so that this JVM's CPU is the gateway's alone.
 */
final class ProxyBenchmark {

  /**
   * Tokens the auth-on load is spread over: up to about 50 k req/s each stays within the shipped
   * per-token budget (50 req/s sustained).
   */
  static final int TOKENS = 1024;
  static final Duration AUDIT_DRAIN_LIMIT = Duration.ofSeconds(15);

  static final String AUTH_OFF = "auth off";
  static final String AUTH_ON = "auth on";
  static final String FRESH = "fresh token";
  /** More tokens than the verifier caches: cycled in order, none is still cached when it comes round. */
  static final int FRESH_TOKENS = TokenVerifier.CACHE_CAPACITY + 2_000;
  static final String AUDIT_OFF = "audit off";
  static final String PLAIN = "plain proxy";
  static final String DIRECT = "direct";
  static final String DIRECT_PACED = "direct/2";
  static final String AUTH_ON_PACED = "auth on/2";
  static final String HAPROXY_PLAIN = "haproxy plain";
  static final String HAPROXY_JWT = "haproxy jwt";

  private final int rounds;
  private final Duration roundLength;
  private final Duration warmup;
  private final LoadDriver load;
  private final int connections;
  private final PrintStream out;

  /**
   * Every round's figures per case, in the order run; audit events stored against the gateway
   * requests sent while the audit trail was on.
   */
  record Result(Map<String, List<RoundResult>> rounds, long gatewayRequests, long auditEvents) {}

  ProxyBenchmark(int rounds, Duration roundLength, Duration warmup, LoadDriver load, int connections,
      PrintStream out) {
    this.connections = connections;
    this.rounds = rounds;
    this.roundLength = roundLength;
    this.warmup = warmup;
    this.load = load;
    this.out = out;
  }

  Result run(Path workDir) throws Exception {
    Vertx gatewayVertx = Vertx.vertx();
    try (Upstream upstream = NginxUpstream.available() ? new NginxUpstream(workDir) : new JsonUpstream();
        PlainProxy plain = new PlainProxy(gatewayVertx, upstream.url());
        BenchGateway gateway = new BenchGateway(gatewayVertx, workDir, upstream.url());
        HaproxyRival haproxy = HaproxyRival.available() ? new HaproxyRival(workDir, upstream.port()) : null) {
      out.println("  upstream: " + upstream.description()
          + (upstream instanceof NginxUpstream ? "" : " (nginx not installed: apt-get install nginx)"));
      out.println(haproxy == null ? "  haproxy: not installed (apt-get install haproxy), its cases are skipped"
          : "  haproxy: " + haproxy.versionLine());
      long mintStarted = System.nanoTime();
      List<String> fresh = gateway.mintTokens(FRESH_TOKENS);
      List<String> tokens = fresh.subList(0, TOKENS);
      out.printf("  minted %d tokens through the admin API in %.1f s (%d for auth on, all for fresh token)%n",
          FRESH_TOKENS, (System.nanoTime() - mintStarted) / 1e9, TOKENS);
      ProcessCpu jvm = ProcessCpu.of("gateway JVM", ProcessHandle.current().pid());
      ProcessCpu postgres = ProcessCpu.withChildren("PostgreSQL", gateway.postgresPid());
      Map<String, ProcessCpu> servedBy = new LinkedHashMap<>();

      List<LoadTarget> cases = new ArrayList<>(List.of(
          new LoadTarget(AUTH_OFF, gateway.port(), BenchGateway.PUBLIC_PATH, List.of()),
          new LoadTarget(AUTH_ON, gateway.port(), BenchGateway.SCOPED_PATH, tokens),
          new LoadTarget(FRESH, gateway.port(), BenchGateway.SCOPED_PATH, fresh),
          new LoadTarget(AUDIT_OFF, gateway.port(), BenchGateway.SCOPED_PATH, tokens),
          new LoadTarget(PLAIN, plain.port(), BenchGateway.SCOPED_PATH, List.of()),
          new LoadTarget(DIRECT, upstream.port(), BenchGateway.SCOPED_PATH, List.of())));
      if (haproxy != null) {
        cases.add(new LoadTarget(HAPROXY_PLAIN, haproxy.plainPort(), BenchGateway.SCOPED_PATH, List.of()));
        cases.add(new LoadTarget(HAPROXY_JWT, haproxy.jwtPort(), BenchGateway.SCOPED_PATH, haproxy.tokens()));
        servedBy.put(HAPROXY_PLAIN, ProcessCpu.of("haproxy", haproxy.pid()));
        servedBy.put(HAPROXY_JWT, ProcessCpu.of("haproxy", haproxy.pid()));
      }

      String only = System.getProperty("bench.cases", "");
      if (!only.isBlank()) {
        List<String> names = List.of(only.split(","));
        cases.removeIf(c -> !names.contains(c.name()));
      }

      long gatewayRequests = 0;
      for (LoadTarget target : cases) {
        gateway.awaitAuditDrained(AUDIT_DRAIN_LIMIT);
        gateway.audit(!AUDIT_OFF.equals(target.name()));
        RoundResult result = load.run(target, warmup);
        gatewayRequests += gatewayRequests(target, gateway, result);
        out.printf("  warm-up  %-12s %s%n", target.name(), line(result));
      }

      Map<String, List<RoundResult>> all = new LinkedHashMap<>();
      for (int r = 1; r <= rounds; r++) {
        for (LoadTarget target : cases) {
          long backlog = gateway.awaitAuditDrained(AUDIT_DRAIN_LIMIT);
          gateway.audit(!AUDIT_OFF.equals(target.name()));
          RoundResult result = measured(target, roundLength, servedBy.getOrDefault(target.name(), jvm), postgres);
          gatewayRequests += gatewayRequests(target, gateway, result);
          all.computeIfAbsent(target.name(), k -> new ArrayList<>()).add(result);
          out.printf("  round %d  %-12s %s   (audit backlog before: %d)%n", r, target.name(), line(result), backlog);
        }
      }
      pacedRounds(all, cases, gateway, jvm, postgres);
      gateway.audit(true);
      gateway.awaitAuditDrained(AUDIT_DRAIN_LIMIT);
      return new Result(all, gatewayRequests, gateway.auditEvents());
    } finally {
      gatewayVertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  /**
   * Latency below the maximum rate: direct and auth on again, interleaved, each connection pausing
   * so that auth on runs at about half its measured maximum (the same pause for both). Needs a
   * driver that paces; the rounds go into {@code all} as {@link #DIRECT_PACED} and
   * {@link #AUTH_ON_PACED}.
   */
  private void pacedRounds(Map<String, List<RoundResult>> all, List<LoadTarget> cases, BenchGateway gateway,
      ProcessCpu jvm, ProcessCpu postgres) throws Exception {
    List<RoundResult> on = all.get(AUTH_ON);
    LoadTarget direct = cases.stream().filter(c -> DIRECT.equals(c.name())).findFirst().orElse(null);
    LoadTarget authOn = cases.stream().filter(c -> AUTH_ON.equals(c.name())).findFirst().orElse(null);
    if (!load.paces() || on == null || direct == null || authOn == null) {
      out.println("  paced rounds: SKIPPED (they need wrk and the direct and auth on cases)");
      return;
    }
    double[] rates = on.stream().mapToDouble(RoundResult::okPerSecond).sorted().toArray();
    double half = rates[rates.length / 2] / 2;
    int pause = (int) Math.max(1, Math.round(connections * 1000.0 / half));
    out.printf("  paced rounds: each connection pauses %d ms before each request (aiming at %.0f req/s, "
        + "half the auth on median)%n", pause, half);
    List<LoadTarget> paced = List.of(direct.paced(DIRECT_PACED, pause), authOn.paced(AUTH_ON_PACED, pause));
    for (int r = 1; r <= rounds; r++) {
      for (LoadTarget target : paced) {
        long backlog = gateway.awaitAuditDrained(AUDIT_DRAIN_LIMIT);
        gateway.audit(true);
        RoundResult result = measured(target, roundLength, jvm, postgres);
        all.computeIfAbsent(target.name(), k -> new ArrayList<>()).add(result);
        out.printf("  round %d  %-12s %s   (audit backlog before: %d)%n", r, target.name(), line(result), backlog);
      }
    }
  }

  private RoundResult measured(LoadTarget target, Duration length, ProcessCpu server, ProcessCpu postgres)
      throws Exception {
    Map<Long, Long> serverBefore = server.snapshot();
    Map<Long, Long> postgresBefore = postgres.snapshot();
    RoundResult result = load.run(target, length);
    return result.withCpu(ProcessCpu.micros(serverBefore, server.snapshot()),
        ProcessCpu.micros(postgresBefore, postgres.snapshot()));
  }

  private static long gatewayRequests(LoadTarget target, BenchGateway gateway, RoundResult result) {
    if (target.port() != gateway.port() || AUDIT_OFF.equals(target.name())) {
      return 0;
    }
    return result.ok() + result.otherStatuses().values().stream().mapToLong(Long::longValue).sum();
  }

  static String line(RoundResult r) {
    StringBuilder s = new StringBuilder(String.format("%8.0f req/s   p50 %6.2f ms   p99 %6.2f ms   errors %d",
        r.okPerSecond(), r.p50Millis(), r.p99Millis(), r.errors()));
    if (!Double.isNaN(r.proxyCpuMicros())) {
      s.append(String.format("   cpu/req: server %6.1f us, postgres %5.1f us", r.proxyCpuMicros(),
          r.postgresCpuMicros()));
    }
    if (r.errors() > 0) {
      s.append(" ").append(r.otherStatuses()).append(r.failures().isEmpty() ? "" : " " + r.failures());
    }
    return s.toString();
  }
}
