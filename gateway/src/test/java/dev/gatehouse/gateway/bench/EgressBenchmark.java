package dev.gatehouse.gateway.bench;

import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.StandInModel;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The latency the egress listener adds to a model call, side by side with calling the stand-in
 * provider directly, for a non-streamed and a streamed chat completion. Each round runs
 * {@code bench.egressCalls} calls of each of the four kinds (direct and through egress,
 * non-streamed and streamed), one after the other on one kept-alive connection per kind, kinds
 * interleaved call by call so that machine noise hits all of them alike; the first round warms up
 * and is not counted. Through egress a call takes the whole path: credential lookup and workspace
 * status in PostgreSQL, a budget reservation and its settlement (the workspace has a budget), the
 * sealed key opened (cached), forwarding, usage read from the answer, one audit event.
 *
 * <p>Prints p50 and p99 of the time to the last byte (and, for streams, to the first chunk), and
 * what egress adds (egress minus direct, per percentile). Run with
 * {@code mvn -B -Pbench-egress -pl gateway -am verify} (gateway README, "Performance").
 */
public final class EgressBenchmark {

  static final int CALLS = Integer.getInteger("bench.egressCalls", 500);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  static final String KEY = "sk-bench-provider-key";
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** One kind of call: where it goes, with which credential, streamed or not. */
  record Kind(String name, String url, String credential, boolean stream) {}

  /** Time to the first body byte and to the end of the answer, in nanoseconds. */
  record Timing(long firstByteNanos, long totalNanos) {}

  private EgressBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("egress-bench");
    try (TestDatabase database = new TestDatabase(); StandInModel provider = new StandInModel()) {
      Gateway gateway = TestGateways.start(dir.resolve("gateway"), "upstream.url=" + URI.create(provider.baseUrl()).resolve("/").toString().replaceAll("/$", ""),
          "database.url=" + database.url(), "egress.enabled=true", "egress.listen=127.0.0.1:0",
          "egress.openai.baseUrl=" + provider.baseUrl());
      try {
        run(gateway, provider);
      } finally {
        TestGateways.stopQuietly(gateway);
      }
    }
  }

  static void run(Gateway gateway, StandInModel provider) throws Exception {
    AdminClient admin = new AdminClient(gateway);
    String workspace = admin.createWorkspace("egress-bench");
    check(admin.put("/admin/v1/workspaces/" + workspace + "/provider-keys/openai", new JsonObject().put("key", KEY)));
    check(admin.put("/admin/v1/workspaces/" + workspace + "/budget", new JsonObject().put("window", "30d")
        .put("maxRequests", 100_000_000L).put("maxTokens", 1_000_000_000_000L)));
    String credential = admin.post("/admin/v1/workspaces/" + workspace + "/egress-credentials",
        new JsonObject().put("agent", "bench-agent")).getString("credential");
    String egress = "http://127.0.0.1:" + gateway.egress().port().orElseThrow() + "/v1/chat/completions";
    String direct = provider.baseUrl() + "/chat/completions";
    List<Kind> kinds = List.of(new Kind("direct", direct, KEY, false), new Kind("egress", egress, credential, false),
        new Kind("direct", direct, KEY, true), new Kind("egress", egress, credential, true));

    System.out.printf("%nEgress latency: %d calls of each kind per round, %d counted rounds after one warm-up round; "
        + "%d cores, load average %.2f at start%n", CALLS, ROUNDS, Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    List<List<Timing>> counted = new ArrayList<>();
    kinds.forEach(k -> counted.add(new ArrayList<>()));
    for (int round = 0; round <= ROUNDS; round++) {
      for (int i = 0; i < CALLS; i++) {
        for (int k = 0; k < kinds.size(); k++) {
          Timing timing = call(kinds.get(k), i);
          if (round > 0) {
            counted.get(k).add(timing);
          }
        }
      }
    }
    System.out.println("| call | path | p50 ms | p99 ms | first chunk p50 ms | first chunk p99 ms |");
    System.out.println("|---|---|---|---|---|---|");
    for (int k = 0; k < kinds.size(); k++) {
      Kind kind = kinds.get(k);
      long[] total = counted.get(k).stream().mapToLong(Timing::totalNanos).sorted().toArray();
      long[] first = counted.get(k).stream().mapToLong(Timing::firstByteNanos).sorted().toArray();
      System.out.printf("| %s | %s | %.3f | %.3f | %s | %s |%n", kind.stream() ? "streamed" : "non-streamed",
          kind.name(), ms(percentile(total, 50)), ms(percentile(total, 99)),
          kind.stream() ? String.format("%.3f", ms(percentile(first, 50))) : "-",
          kind.stream() ? String.format("%.3f", ms(percentile(first, 99))) : "-");
    }
    for (int k = 0; k < kinds.size(); k += 2) {
      long[] viaDirect = counted.get(k).stream().mapToLong(Timing::totalNanos).sorted().toArray();
      long[] viaEgress = counted.get(k + 1).stream().mapToLong(Timing::totalNanos).sorted().toArray();
      System.out.printf("added by egress, %s: p50 %.3f ms, p99 %.3f ms%n", kinds.get(k).stream() ? "streamed" : "non-streamed",
          ms(percentile(viaEgress, 50) - percentile(viaDirect, 50)), ms(percentile(viaEgress, 99) - percentile(viaDirect, 99)));
    }
    System.out.printf("load average at end %.2f%n%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  static Timing call(Kind kind, int i) throws Exception {
    JsonObject body = new JsonObject().put("model", "gpt-4o-mini").put("max_tokens", 64)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hello MARK-bench-" + i)));
    if (kind.stream()) {
      body.put("stream", true);
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(kind.url()))
        .header("Authorization", "Bearer " + kind.credential()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    long start = System.nanoTime();
    HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
    long first;
    try (InputStream in = response.body()) {
      byte[] buffer = new byte[8192];
      int n = in.read(buffer);
      first = System.nanoTime();
      while (n >= 0) {
        n = in.read(buffer);
      }
    }
    long end = System.nanoTime();
    if (response.statusCode() != 200) {
      throw new IllegalStateException(kind + " answered " + response.statusCode());
    }
    return new Timing(first - start, end - start);
  }

  static long percentile(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }

  static void check(HttpResponse<String> response) {
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException("admin call answered " + response.statusCode() + ": " + response.body());
    }
  }
}
