package dev.gatehouse.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped in the middle of a load run through the gateway, then restarted on the same
 * data: afterwards the trail holds every answered request's event exactly once, each client's
 * requests in the order they were answered, and {@code gatehouse audit verify} passes.
 */
class AuditDurabilityIT {

  static final int CLIENTS = 2;

  @TempDir
  static Path dataDir;
  static AuditNode node;

  @BeforeAll
  static void start() throws Exception {
    node = new AuditNode(dataDir);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void a_database_outage_under_load_loses_no_event_and_keeps_the_chain_intact() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger answeredWhileDown = new AtomicInteger();
    AtomicBoolean down = new AtomicBoolean();
    List<List<String>> perClient = new ArrayList<>();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      List<String> ids = Collections.synchronizedList(new ArrayList<>());
      perClient.add(ids);
      int client = c;
      Thread thread = new Thread(() -> {
        int n = 0;
        while (running.get()) {
          try {
            HttpResponse<String> response = node.send(node.request("/hello")
                .header("X-Forwarded-For", "198.18." + client + "." + (n++ % 250 + 1)));
            ids.add(response.headers().firstValue("X-Request-Id").orElseThrow());
            if (down.get()) {
              answeredWhileDown.incrementAndGet();
            }
          } catch (Exception e) {
            failures.incrementAndGet();
          }
        }
      }, "load-" + c);
      clients.add(thread);
      thread.start();
    }
    Thread.sleep(1_500);
    node.database.stop();
    down.set(true);
    Thread.sleep(3_000);
    down.set(false);
    node.database.restart();
    Thread.sleep(1_500);
    running.set(false);
    for (Thread thread : clients) {
      thread.join();
    }

    List<String> all = new ArrayList<>();
    perClient.forEach(all::addAll);
    List<String> stored = node.awaitStored(all, Duration.ofSeconds(60));

    assertEquals(0, failures.get(), "every request got an answer");
    assertTrue(answeredWhileDown.get() > 0, "requests were answered while PostgreSQL was down");
    assertEquals(all.size(), stored.size(), "one event per answered request");
    assertEquals(new HashSet<>(all), new HashSet<>(stored), "exactly the answered requests");
    for (List<String> ids : perClient) {
      List<String> inTrail = new ArrayList<>(stored);
      inTrail.retainAll(new HashSet<>(ids));
      assertEquals(ids, inTrail, "a client's requests are in the chain in the order they were answered");
    }
    AuditNode.Run verify = node.cli(node.adminTokenFile, "audit", "verify");
    assertEquals(0, verify.exit(), verify.out() + verify.err());
    assertTrue(verify.out().startsWith("ok: " + all.size() + " events verified"), verify.out());
  }
}
