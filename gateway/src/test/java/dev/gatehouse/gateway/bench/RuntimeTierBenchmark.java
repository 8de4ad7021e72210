package dev.gatehouse.gateway.bench;

import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.Await;
import dev.gatehouse.gateway.testsupport.ChatClient;
import dev.gatehouse.gateway.testsupport.ElizaRuntimes;
import dev.gatehouse.gateway.testsupport.RuntimeProcesses;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import dev.gatehouse.gateway.tier.RuntimeLease;
import dev.gatehouse.gateway.tier.RuntimeTarget;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The dedicated runtime tier under real elizaOS 1.7.2 runtimes and the tests' stand-in model,
 * for 1, 2 and 10 workspaces at once (each set on fresh, cold workspaces):
 * <ul>
 *   <li>cold start to first answer: from a workspace's first request (agent creation) to its
 *       agent's first reply, the runtime's start included;</li>
 *   <li>reply latency p50/p95 of one REST message ({@code transport: http}) through the gateway
 *       and directly against the same runtime, interleaved message by message;</li>
 *   <li>resident memory of each runtime's Node process while the messages run (peak) and once
 *       idle.</li>
 * </ul>
 * Run with {@code mvn -B -Pbench-runtimes -pl gateway verify} (gateway README, "Performance").
 * The model answers at once, so the latencies are the runtime's and the gateway's own work.
 */
public final class RuntimeTierBenchmark {

  static final int[] WORKSPACES = {1, 2, 10};
  static final int MESSAGES = Integer.getInteger("bench.messages", 20);
  static final List<String> SCOPES = List.of("agents:read", "agents:write", "messages:read", "messages:write");
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** One workspace of a set: its person, agent and channel, and its runtime's address. */
  record Seat(ChatClient person, String agent, String channel, long coldStartMillis) {}

  private RuntimeTierBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("runtime-tier-bench");
    TestDatabase database = new TestDatabase();
    List<String> settings = new ArrayList<>(ElizaRuntimes.dedicatedSettings());
    settings.addAll(List.of("database.url=" + database.url(), "policy.file=" + ElizaRuntimes.DEFAULT_POLICY,
        "runtime.maxRunning=" + (WORKSPACES[WORKSPACES.length - 1] + 2), "runtime.idleTimeout=1h",
        "runtime.startWait=10m", "runtime.startTimeout=10m"));
    Gateway gateway = TestGateways.start(dir.resolve("gateway"), ElizaRuntimes.environment(),
        settings.toArray(new String[0]));
    AdminClient admin = new AdminClient(gateway);
    System.out.printf("runtime tier benchmark: elizaOS 1.7.2 dedicated runtimes, stand-in model, %d messages per "
        + "workspace (half through the gateway, half direct, interleaved), %d cores%n", MESSAGES,
        Runtime.getRuntime().availableProcessors());
    List<String> rows = new ArrayList<>();
    List<String> previous = new ArrayList<>();
    try {
      for (int n : WORKSPACES) {
        for (String workspace : previous) {
          Await.result(gateway.dedicatedRuntimes().orElseThrow().stop(workspace));
        }
        previous.clear();
        List<ChatClient> people = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String workspace = admin.createWorkspace("bench-" + n + "-" + i);
          people.add(new ChatClient(TestGateways.mainUrl(gateway), gateway.port(), workspace, "user" + i,
              admin.mint(workspace, "user" + i, SCOPES)));
          previous.add(workspace);
        }
        rows.add(runSet(gateway, dir.resolve("gateway"), people));
        System.out.println(rows.get(rows.size() - 1));
      }
    } finally {
      TestGateways.stopQuietly(gateway);
      database.close();
    }
    System.out.println();
    System.out.println("| workspaces | cold start to first answer, ms (min / median / max) | reply p50 / p95 via gateway, ms "
        + "| reply p50 / p95 direct, ms | RSS per runtime, MiB (busy peak / idle, median) |");
    System.out.println("|---|---|---|---|---|");
    rows.forEach(System.out::println);
    System.exit(0);
  }

  static String runSet(Gateway gateway, Path gatewayDir, List<ChatClient> people) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(people.size());
    try {
      List<Future<Seat>> starting = new ArrayList<>();
      for (ChatClient person : people) {
        starting.add(pool.submit(() -> coldStart(person)));
      }
      List<Seat> seats = new ArrayList<>();
      for (Future<Seat> seat : starting) {
        seats.add(seat.get(20, TimeUnit.MINUTES));
      }
      List<Long> viaGateway = Collections.synchronizedList(new ArrayList<>());
      List<Long> direct = Collections.synchronizedList(new ArrayList<>());
      Map<String, Long> busyPeak = new ConcurrentHashMap<>();
      AtomicBoolean running = new AtomicBoolean(true);
      Thread sampler = new Thread(() -> {
        while (running.get()) {
          for (Seat seat : seats) {
            residentKib(gatewayDir, seat.person().workspace()).ifPresent(kib ->
                busyPeak.merge(seat.person().workspace(), kib, Math::max));
          }
          sleep(250);
        }
      });
      sampler.start();
      List<Future<?>> talking = new ArrayList<>();
      for (Seat seat : seats) {
        RuntimeTarget target = target(gateway, seat.person().workspace());
        talking.add(pool.submit(() -> {
          for (int i = 0; i < MESSAGES; i++) {
            long started = System.nanoTime();
            if (i % 2 == 0) {
              seat.person().askOverRest(seat.channel(), "hello " + i);
              viaGateway.add(System.nanoTime() - started);
            } else {
              askDirectly(target, seat, "hello " + i);
              direct.add(System.nanoTime() - started);
            }
          }
          return null;
        }));
      }
      for (Future<?> t : talking) {
        t.get(20, TimeUnit.MINUTES);
      }
      running.set(false);
      sampler.join();
      sleep(5_000);
      List<Long> idle = new ArrayList<>();
      for (Seat seat : seats) {
        residentKib(gatewayDir, seat.person().workspace()).ifPresent(idle::add);
      }
      List<Long> cold = seats.stream().map(Seat::coldStartMillis).sorted().toList();
      return String.format("| %d | %d / %d / %d | %.0f / %.0f | %.0f / %.0f | %d / %d |", people.size(),
          cold.get(0), median(cold), cold.get(cold.size() - 1),
          percentileMillis(viaGateway, 50), percentileMillis(viaGateway, 95),
          percentileMillis(direct, 50), percentileMillis(direct, 95),
          median(new ArrayList<>(busyPeak.values())) / 1024, median(idle) / 1024);
    } finally {
      pool.shutdownNow();
    }
  }

  static Seat coldStart(ChatClient person) throws Exception {
    long started = System.nanoTime();
    String agent = person.deployAgent("Bench-" + UUID.randomUUID());
    String channel = person.openDirectChannel(agent);
    person.askOverRest(channel, "hello");
    return new Seat(person, agent, channel, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /** The workspace's runtime as the gateway reaches it; the lease is released at once (the runtime keeps running). */
  static RuntimeTarget target(Gateway gateway, String workspace) throws Exception {
    RuntimeLease lease = Await.result(gateway.runtimes().acquire(Optional.of(workspace)));
    lease.release();
    return lease.target();
  }

  /** The message the gateway would forward for {@code seat}'s person, sent straight to the runtime. */
  static void askDirectly(RuntimeTarget target, Seat seat, String text) throws Exception {
    JsonObject body = new JsonObject().put("content", text).put("transport", "http")
        .put("author_id", seat.person().entity()).put("message_server_id", ChatClient.SERVER);
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
            URI.create(target.url() + "/api/messaging/channels/" + seat.channel() + "/messages"))
        .header("X-API-KEY", target.apiKey().orElseThrow())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 201 || new JsonObject(response.body()).getJsonObject("agentResponse") == null) {
      throw new IllegalStateException("direct message answered " + response.statusCode());
    }
  }

  /** VmRSS of the workspace's runtime process, in KiB. */
  static Optional<Long> residentKib(Path gatewayDir, String workspace) {
    return RuntimeProcesses.of(gatewayDir, workspace).flatMap(p -> {
      try {
        return Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status")).stream()
            .filter(line -> line.startsWith("VmRSS:"))
            .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
            .findFirst();
      } catch (IOException e) {
        return Optional.empty();
      }
    });
  }

  static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
  }

  static double percentileMillis(List<Long> nanos, int percentile) {
    List<Long> sorted;
    synchronized (nanos) {
      sorted = nanos.stream().sorted().toList();
    }
    int index = Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1);
    return sorted.get(Math.max(0, index)) / 1e6;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
