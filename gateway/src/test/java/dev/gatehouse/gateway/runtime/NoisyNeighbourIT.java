package dev.gatehouse.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.ElizaRuntimes;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fair share in front of the real elizaOS runtime. elizaOS allows 1,000 /api requests per 15
 * minutes per client address; behind one gateway that would be one budget for every workspace.
 * Here workspace A drives {@value #A_REQUESTS} requests while workspace B keeps working: A is
 * stopped by the runtime once its own 1,000 are spent and then by its gateway quota, and B is
 * never refused, because the runtime sees each workspace as a client of its own.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class NoisyNeighbourIT {

  static final int A_REQUESTS = 1_300;
  /** A's gateway quota: more than the runtime's 1,000, so A meets both limits. */
  static final int A_QUOTA = 1_100;
  static final int RUNTIME_BUDGET = 1_000;
  static final int A_CONNECTIONS = 8;
  static final String GATEWAY_REFUSAL = "{\"error\":\"rate_limited\"}";

  @TempDir
  static Path dataDir;
  static TestDatabase database;
  static Gateway gateway;
  static AdminClient admin;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    ManagedRuntime runtime = ElizaRuntimes.shared();
    database = new TestDatabase();
    List<String> settings = new ArrayList<>(ElizaRuntimes.gatewaySettings(runtime));
    settings.addAll(List.of("database.url=" + database.url(), "policy.file=" + ElizaRuntimes.DEFAULT_POLICY,
        "limits.perWorkspace.burst=" + A_QUOTA, "limits.perWorkspace.interval=1h",
        "limits.perToken.burst=100000", "limits.perToken.interval=1ms",
        "limits.perAddress.burst=100000", "limits.perAddress.interval=1ms"));
    gateway = TestGateways.start(dataDir, settings.toArray(new String[0]));
    admin = new AdminClient(gateway);
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.stopQuietly(gateway);
    if (database != null) {
      database.close();
    }
  }

  /** Answers by kind: 200, a 429 from the gateway, a 429 from the runtime, anything else. */
  static final class Tally {
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger gateway429 = new AtomicInteger();
    final AtomicInteger runtime429 = new AtomicInteger();
    final AtomicInteger without429RetryAfter = new AtomicInteger();
    final Map<Integer, AtomicInteger> other = new ConcurrentHashMap<>();

    void count(HttpResponse<String> response) {
      if (response.statusCode() == 200) {
        ok.incrementAndGet();
        return;
      }
      if (response.statusCode() == 429) {
        (GATEWAY_REFUSAL.equals(response.body()) ? gateway429 : runtime429).incrementAndGet();
        if (response.headers().firstValue("Retry-After").isEmpty()) {
          without429RetryAfter.incrementAndGet();
        }
        return;
      }
      other.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
    }

    int total() {
      return ok.get() + gateway429.get() + runtime429.get() + other.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public String toString() {
      return "sent " + total() + ": 200 x" + ok + ", gateway 429 x" + gateway429 + ", runtime 429 x" + runtime429
          + ", other " + other;
    }
  }

  static HttpResponse<String> list(String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(TestGateways.mainUrl(gateway) + "/api/agents"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Tag("T-DOS-008")
  void one_workspace_flooding_the_runtime_does_not_starve_another() throws Exception {
    String a = admin.mint(admin.createWorkspace("noisy-neighbour-a"), "flood", List.of("agents:read"));
    String b = admin.mint(admin.createWorkspace("noisy-neighbour-b"), "steady", List.of("agents:read"));
    Tally aTally = new Tally();
    Tally bTally = new Tally();
    AtomicInteger remaining = new AtomicInteger(A_REQUESTS);
    AtomicLong aDone = new AtomicLong();

    ExecutorService pool = Executors.newFixedThreadPool(A_CONNECTIONS + 1);
    long started = System.nanoTime();
    List<Future<?>> flood = new ArrayList<>();
    for (int i = 0; i < A_CONNECTIONS; i++) {
      flood.add(pool.submit(() -> {
        while (remaining.getAndDecrement() > 0) {
          aTally.count(list(a));
        }
        aDone.set(System.nanoTime());
        return null;
      }));
    }
    Future<?> steady = pool.submit(() -> {
      while (flood.stream().anyMatch(f -> !f.isDone())) {
        bTally.count(list(b));
        Thread.sleep(50);
      }
      return null;
    });
    for (Future<?> f : flood) {
      f.get(15, TimeUnit.MINUTES);
    }
    steady.get(1, TimeUnit.MINUTES);
    long floodMillis = TimeUnit.NANOSECONDS.toMillis(aDone.get() - started);
    int bDuring = bTally.total();
    for (int i = 0; i < 5; i++) {
      bTally.count(list(b));
    }
    pool.shutdown();

    System.out.printf("noisy neighbour: A %s in %d ms (%.0f req/s); B %s (%d while A ran, 5 after)%n",
        aTally, floodMillis, A_REQUESTS * 1000.0 / floodMillis, bTally, bDuring);
    assertEquals(A_REQUESTS, aTally.total());
    assertEquals(A_REQUESTS - A_QUOTA, aTally.gateway429.get(), "A is held to its gateway quota");
    assertEquals(A_QUOTA, aTally.ok.get() + aTally.runtime429.get(), "what the quota let through reached the runtime");
    assertTrue(aTally.runtime429.get() > 0 && aTally.ok.get() <= RUNTIME_BUDGET,
        "A spent its own runtime budget: " + aTally);
    assertEquals(0, aTally.without429RetryAfter.get(), "every 429 carries Retry-After");
    assertTrue(bDuring >= 5, "B kept sending while A flooded: " + bTally);
    assertEquals(bTally.total(), bTally.ok.get(), "B was never refused: " + bTally);
  }
}
