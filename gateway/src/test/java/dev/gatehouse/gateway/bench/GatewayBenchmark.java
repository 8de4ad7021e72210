package dev.gatehouse.gateway.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Gatehouse's performance figures in one run: token verification cost (cache hit, full ES256,
 * full EdDSA) and proxy throughput with authentication on and off and with the audit trail on
 * and off, printed as medians and ratios; with {@code haproxy} installed, also HAProxy in front of
 * the same upstream, plain and verifying ES256 per request, for the scale comparison. Run
 * it with {@code mvn -B -Pbench -pl gateway verify}.
 *
 * <p>System properties: {@code bench.verifyRounds} (default 5), {@code bench.rounds} (proxy
 * rounds per case, default 5), {@code bench.roundSeconds} (default 4), {@code bench.warmupSeconds}
 * (default 15: the JIT needs tens of seconds of load before the pipeline runs at its steady
 * speed), {@code bench.connections} (default 32), {@code bench.load}: {@code auto} (default:
 * {@code wrk} when it is installed, else {@code inprocess}), {@code inprocess} (a Vert.x client in
 * this JVM), {@code wrk} (the {@code wrk} tool; the proxy part is skipped with a message when it
 * is not installed) or {@code none} (token verification only).
 */
public final class GatewayBenchmark {

  /** Issue target: a cache hit costs at most this many microseconds. */
  static final double CACHE_HIT_TARGET_MICROS = 5.0;
  /** Issue target: auth-on throughput is at least this fraction of auth-off. */
  static final double AUTH_RATIO_TARGET = 0.8;
  /** Issue target: throughput with the audit trail is at least this fraction of without. */
  static final double AUDIT_RATIO_TARGET = 0.9;
  /**
   * Issue expectation, read as a number: with auth on, "several times faster" than HAProxy
   * verifying ES256 on every request (measured side by side when {@code haproxy} is installed).
   */
  static final double SCALE_TARGET = 3.0;

  /** Issue 21: auth on (cached tokens) at least this multiple of HAProxy verifying ES256. */
  static final double JWT_RATIO_TARGET = 2.0;
  /** Issue 21: auth on at least this fraction of HAProxy proxying plainly. */
  static final double HAPROXY_PLAIN_RATIO_TARGET = 0.5;
  /** Issue 21: a fresh token on every request at least this multiple of HAProxy verifying ES256. */
  static final double FRESH_RATIO_TARGET = 1.0;
  /** Issue 21: gateway JVM plus PostgreSQL CPU per auth-on request, at most. */
  static final double CPU_TARGET_MICROS = 60.0;
  /** Issue 21: p99 latency the gateway adds to direct at half its maximum rate, at most. */
  static final double ADDED_P99_TARGET_MILLIS = 2.0;

  private GatewayBenchmark() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    PrintStream realErr = System.err;
    LogSink sink = new LogSink(realErr);
    System.setErr(new PrintStream(sink, true));
    int status = 0;
    Path workDir = null;
    try {
      workDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "gatehouse-bench");
      run(workDir, out);
      out.printf("%naccess log: %d lines encoded and discarded; %d WARN/ERROR lines (first %d shown on stderr)%n",
          sink.lines(), sink.warnings(), LogSink.MAX_PASSED);
    } catch (Exception | Error e) {
      System.setErr(realErr);
      realErr.println("benchmark failed: " + e);
      e.printStackTrace(realErr);
      status = 1;
    } finally {
      deleteQuietly(workDir);
    }
    out.flush();
    System.exit(status);
  }

  private static void run(Path workDir, PrintStream out) throws Exception {
    int verifyRounds = Integer.getInteger("bench.verifyRounds", 5);
    int rounds = Integer.getInteger("bench.rounds", 5);
    Duration roundLength = Duration.ofSeconds(Integer.getInteger("bench.roundSeconds", 4));
    Duration warmup = Duration.ofSeconds(Integer.getInteger("bench.warmupSeconds", 15));
    int connections = Integer.getInteger("bench.connections", 32);
    long started = System.nanoTime();

    out.printf("Gatehouse benchmark: Java %s, %d available processors%n", Runtime.version(),
        Runtime.getRuntime().availableProcessors());

    out.printf("%n== Token verification (TokenVerifier.verify, median of %d rounds) ==%n", verifyRounds);
    VerificationBenchmark.Result v = new VerificationBenchmark(verifyRounds).run(workDir);
    printCost(out, "cache hit", v.cacheHit());
    printCost(out, "full ES256", v.fullEs256());
    printCost(out, "full EdDSA", v.fullEdDsa());
    double hit = v.cacheHit().median();
    out.printf("  ratios: full ES256 = %.0f x cache hit, full EdDSA = %.0f x cache hit, EdDSA / ES256 = %.2f%n",
        v.fullEs256().median() / hit, v.fullEdDsa().median() / hit, v.fullEdDsa().median() / v.fullEs256().median());
    out.printf("  target cache hit <= %.0f us: %s (%.2f us)%n", CACHE_HIT_TARGET_MICROS,
        hit <= CACHE_HIT_TARGET_MICROS ? "MET" : "MISSED", hit);
    out.printf("  ES256 by signature provider (the gateway runs on the first native one; JDK's otherwise):%n");
    for (VerificationBenchmark.ProviderCost cost : v.es256ByProvider()) {
      out.printf("    %-36s signature %8.2f us/op   full (uncached) %8.2f us/op%n", cost.provider(),
          cost.signature().median(), cost.full().median());
    }

    String loadChoice = System.getProperty("bench.load", "auto");
    if ("none".equals(loadChoice)) {
      out.printf("%n== Proxy throughput: SKIPPED (-Dbench.load=none) ==%n");
      return;
    }
    boolean wrk = "wrk".equals(loadChoice) || "auto".equals(loadChoice) && WrkLoad.available();
    if (wrk && !WrkLoad.available()) {
      out.printf("%n== Proxy throughput: SKIPPED: -Dbench.load=wrk but wrk is not installed (apt-get install wrk) ==%n");
      return;
    }
    ProxyBenchmark.Result p;
    try (LoadDriver load = wrk ? new WrkLoad(workDir, connections) : new LoadGenerator(connections)) {
      out.printf("%n== Proxy throughput (%d s rounds; load: %s) ==%n", roundLength.toSeconds(), load.description());
      p = new ProxyBenchmark(rounds, roundLength, warmup, load, connections, out).run(workDir);
    }
    out.println();
    out.printf("  median of %d rounds:%n", rounds);
    for (Map.Entry<String, List<RoundResult>> e : p.rounds().entrySet()) {
      out.printf("    %-12s %8.0f req/s   p50 %6.2f ms   p99 %6.2f ms   cpu/req: server %6.1f us, "
              + "postgres %5.1f us   errors %d%n", e.getKey(),
          median(e.getValue(), RoundResult::okPerSecond), median(e.getValue(), RoundResult::p50Millis),
          median(e.getValue(), RoundResult::p99Millis), median(e.getValue(), RoundResult::proxyCpuMicros),
          median(e.getValue(), RoundResult::postgresCpuMicros),
          e.getValue().stream().mapToLong(RoundResult::errors).sum());
    }
    out.println("    (server: this JVM for the gateway cases and direct, the haproxy process for its own)");
    double on = median(p.rounds().get(ProxyBenchmark.AUTH_ON), RoundResult::okPerSecond);
    double off = median(p.rounds().get(ProxyBenchmark.AUTH_OFF), RoundResult::okPerSecond);
    double fresh = median(p.rounds().get(ProxyBenchmark.FRESH), RoundResult::okPerSecond);
    double unaudited = median(p.rounds().get(ProxyBenchmark.AUDIT_OFF), RoundResult::okPerSecond);
    double plain = median(p.rounds().get(ProxyBenchmark.PLAIN), RoundResult::okPerSecond);
    double direct = median(p.rounds().get(ProxyBenchmark.DIRECT), RoundResult::okPerSecond);
    out.printf("  ratios: auth on / auth off = %.2f, auth off / plain proxy = %.2f, plain proxy / direct = %.2f%n",
        on / off, off / plain, plain / direct);
    out.printf("  target auth on >= %.1f x auth off: %s (%.2f)%n", AUTH_RATIO_TARGET,
        on / off >= AUTH_RATIO_TARGET ? "MET" : "MISSED", on / off);
    out.printf("  target audit on >= %.1f x audit off (auth on both): %s (%.2f)%n", AUDIT_RATIO_TARGET,
        on / unaudited >= AUDIT_RATIO_TARGET ? "MET" : "MISSED", on / unaudited);
    out.printf("  audit: %d events stored for %d gateway responses with the trail on (and the admin calls)%n",
        p.auditEvents(), p.gatewayRequests());
    List<RoundResult> haproxyJwt = p.rounds().get(ProxyBenchmark.HAPROXY_JWT);
    if (haproxyJwt != null) {
      double verifying = median(haproxyJwt, RoundResult::okPerSecond);
      double haproxyPlain = median(p.rounds().get(ProxyBenchmark.HAPROXY_PLAIN), RoundResult::okPerSecond);
      out.printf("  scale: auth on / haproxy jwt = %.2f, haproxy plain / haproxy jwt = %.2f, "
          + "plain proxy / haproxy plain = %.2f%n", on / verifying, haproxyPlain / verifying, plain / haproxyPlain);
      out.printf("  scale auth on >= %.0f x haproxy jwt (\"several times faster\"): %s (%.2f)%n",
          SCALE_TARGET, on / verifying >= SCALE_TARGET ? "MET" : "MISSED", on / verifying);
      out.printf("  target auth on >= %.1f x haproxy jwt: %s (%.2f)%n", JWT_RATIO_TARGET,
          on / verifying >= JWT_RATIO_TARGET ? "MET" : "MISSED", on / verifying);
      out.printf("  target auth on >= %.1f x haproxy plain: %s (%.2f)%n", HAPROXY_PLAIN_RATIO_TARGET,
          on / haproxyPlain >= HAPROXY_PLAIN_RATIO_TARGET ? "MET" : "MISSED", on / haproxyPlain);
      out.printf("  target fresh token >= %.1f x haproxy jwt: %s (%.2f)%n", FRESH_RATIO_TARGET,
          fresh / verifying >= FRESH_RATIO_TARGET ? "MET" : "MISSED", fresh / verifying);
    } else {
      out.println("  haproxy targets: SKIPPED, haproxy is not installed (apt-get install haproxy)");
    }
    List<RoundResult> directPaced = p.rounds().get(ProxyBenchmark.DIRECT_PACED);
    List<RoundResult> onPaced = p.rounds().get(ProxyBenchmark.AUTH_ON_PACED);
    if (directPaced != null && onPaced != null) {
      double added = median(onPaced, RoundResult::p99Millis) - median(directPaced, RoundResult::p99Millis);
      out.printf("  target p99 added at half the maximum rate <= %.0f ms: %s (%.2f ms; auth on/2 ran at %.2f of "
              + "auth on)%n", ADDED_P99_TARGET_MILLIS, added <= ADDED_P99_TARGET_MILLIS ? "MET" : "MISSED", added,
          median(onPaced, RoundResult::okPerSecond) / on);
    }
    List<RoundResult> onRounds = p.rounds().get(ProxyBenchmark.AUTH_ON);
    double cpu = median(onRounds, RoundResult::proxyCpuMicros) + median(onRounds, RoundResult::postgresCpuMicros);
    out.printf("  target auth on gateway + postgres cpu <= %.0f us/req: %s (%.1f us)%n", CPU_TARGET_MICROS,
        cpu <= CPU_TARGET_MICROS ? "MET" : "MISSED", cpu);
    out.printf("%nbenchmark took %.0f s%n", (System.nanoTime() - started) / 1e9);
  }

  private static void printCost(PrintStream out, String name, Rounds rounds) {
    out.printf("  %-12s %8.2f us/op   (rounds: min %.2f, max %.2f)%n", name, rounds.median(), rounds.min(),
        rounds.max());
  }

  /** The median of {@code f} over {@code results}; NaN for a case left out ({@code -Dbench.cases}). */
  private static double median(List<RoundResult> results, java.util.function.ToDoubleFunction<RoundResult> f) {
    if (results == null) {
      return Double.NaN;
    }
    Rounds rounds = new Rounds(results.size());
    results.forEach(r -> rounds.add(f.applyAsDouble(r)));
    return rounds.median();
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Leftovers stay under the build directory.
    }
  }
}
