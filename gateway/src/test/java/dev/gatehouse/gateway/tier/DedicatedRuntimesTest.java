package dev.gatehouse.gateway.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle rules of one runtime per workspace, over a launcher whose processes the test
 * controls: starts on demand, the bound on running runtimes, idle stops, restarts with back-off,
 * locked workspaces, and never two processes over one workspace's data.
 */
class DedicatedRuntimesTest {

  static final Duration IDLE = Duration.ofMinutes(30);

  final Vertx vertx = Vertx.vertx();
  final FakeLauncher launcher = new FakeLauncher();
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final Set<String> locked = ConcurrentHashMap.newKeySet();
  DedicatedRuntimes tier;

  DedicatedRuntimes tier(int maxRunning, Duration startWait) {
    tier = new DedicatedRuntimes(vertx, launcher, new DedicatedRuntimes.Options(maxRunning, IDLE, startWait),
        locked::contains, now::get);
    return tier;
  }

  @AfterEach
  void close() throws Exception {
    if (tier != null) {
      Await.result(tier.close());
    }
    Await.result(vertx.close());
  }

  /** A process of the fake launcher: alive until stopped or killed. */
  static final class FakeProcess implements RuntimeInstance {
    final String workspace;
    final RuntimeTarget target;
    final Promise<Void> exit = Promise.promise();

    FakeProcess(String workspace, int port) {
      this.workspace = workspace;
      this.target = new RuntimeTarget(URI.create("http://127.0.0.1:" + port), Optional.empty());
    }

    @Override
    public RuntimeTarget target() {
      return target;
    }

    @Override
    public Future<Void> exited() {
      return exit.future();
    }

    @Override
    public Future<Void> stop() {
      exit.tryComplete();
      return Future.succeededFuture();
    }

    void die() {
      exit.tryComplete();
    }

    boolean alive() {
      return !exit.future().isComplete();
    }
  }

  /** Starts fake processes at once, or holds starts until released, and fails them on request. */
  static final class FakeLauncher implements RuntimeLauncher {
    final List<FakeProcess> started = new CopyOnWriteArrayList<>();
    final Map<String, Promise<Void>> held = new ConcurrentHashMap<>();
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    final Set<String> erased = ConcurrentHashMap.newKeySet();
    final AtomicInteger ports = new AtomicInteger(40_000);
    final AtomicInteger attempts = new AtomicInteger();
    /** Most processes alive over one workspace at any moment. */
    final AtomicInteger mostAliveOverOneWorkspace = new AtomicInteger();
    final AtomicInteger mostAlive = new AtomicInteger();

    @Override
    public Future<RuntimeInstance> launch(String workspace) {
      Promise<Void> gate = held.get(workspace);
      Future<Void> go = gate == null ? Future.succeededFuture() : gate.future();
      return go.compose(v -> {
        attempts.incrementAndGet();
        if (failing.contains(workspace)) {
          return Future.failedFuture(new IllegalStateException("start failed"));
        }
        FakeProcess process = new FakeProcess(workspace, ports.incrementAndGet());
        started.add(process);
        mostAliveOverOneWorkspace.accumulateAndGet((int) alive(workspace), Math::max);
        mostAlive.accumulateAndGet((int) started.stream().filter(FakeProcess::alive).count(), Math::max);
        return Future.succeededFuture(process);
      });
    }

    @Override
    public Future<Void> erase(String workspace) {
      erased.add(workspace);
      return Future.succeededFuture();
    }

    long alive(String workspace) {
      return started.stream().filter(p -> p.workspace.equals(workspace) && p.alive()).count();
    }

    FakeProcess current(String workspace) {
      return started.stream().filter(p -> p.workspace.equals(workspace) && p.alive()).findFirst().orElseThrow();
    }

    int starts(String workspace) {
      return (int) started.stream().filter(p -> p.workspace.equals(workspace)).count();
    }
  }

  static RuntimeUnavailable unavailable(Future<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> Await.result(future));
    return assertInstanceOf(RuntimeUnavailable.class, e.getCause());
  }

  @Test
  void each_workspace_gets_a_runtime_of_its_own_started_once_on_first_use() throws Exception {
    tier(8, Duration.ofSeconds(5));
    List<Future<RuntimeLease>> leases = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      leases.add(tier.acquire(Optional.of("a")));
    }
    RuntimeLease b = Await.result(tier.acquire(Optional.of("b")));

    Await.result(Future.all(leases));
    assertEquals(1, launcher.starts("a"));
    assertEquals(1, launcher.starts("b"));
    assertEquals(launcher.current("a").target(), leases.get(0).result().target());
    assertFalse(b.target().url().equals(leases.get(0).result().target().url()), "another process");
    assertEquals(2, tier.running(), "the runtimes-running gauge's count");
  }

  @Test
  void an_anonymous_exchange_has_no_runtime() {
    tier(8, Duration.ofSeconds(5));
    assertEquals(RuntimeUnavailable.NOT_ASSIGNED, unavailable(tier.acquire(Optional.empty())).reason());
    assertEquals(404, unavailable(tier.acquire(Optional.empty())).status());
  }

  @Test
  void at_the_bound_the_least_recently_used_idle_runtime_makes_room() throws Exception {
    tier(2, Duration.ofSeconds(5));
    Await.result(tier.acquire(Optional.of("a"))).release();
    now.addAndGet(1_000);
    RuntimeLease b = Await.result(tier.acquire(Optional.of("b")));
    b.release();
    now.addAndGet(1_000);

    RuntimeLease c = Await.result(tier.acquire(Optional.of("c")));

    assertEquals(0, launcher.alive("a"), "a was used least recently");
    assertEquals(1, launcher.alive("b"));
    assertEquals(1, launcher.alive("c"));
    assertTrue(launcher.mostAlive.get() <= 2, "never more than the bound alive: " + launcher.mostAlive.get());
    c.release();
  }

  @Test
  void when_every_runtime_is_in_use_a_new_workspace_waits_for_none_and_the_others_go_on() throws Exception {
    tier(2, Duration.ofSeconds(5));
    RuntimeLease a = Await.result(tier.acquire(Optional.of("a")));
    RuntimeLease b = Await.result(tier.acquire(Optional.of("b")));

    RuntimeUnavailable refused = unavailable(tier.acquire(Optional.of("c")));

    assertEquals(RuntimeUnavailable.CAPACITY, refused.reason());
    assertEquals(503, refused.status());
    assertTrue(refused.retryAfterSeconds().isPresent());
    assertEquals(0, launcher.starts("c"));
    assertTrue(launcher.current("a").alive() && launcher.current("b").alive(), "the running ones are untouched");
    assertEquals(a.target(), Await.result(tier.acquire(Optional.of("a"))).target());
    b.release();
    Await.result(tier.acquire(Optional.of("c")));
    assertEquals(1, launcher.alive("c"), "room once b is no longer in use");
    assertEquals(0, launcher.alive("b"));
  }

  @Test
  void a_runtime_idle_for_the_timeout_is_stopped_and_the_next_use_starts_it_again() throws Exception {
    tier(8, Duration.ofSeconds(5));
    RuntimeLease first = Await.result(tier.acquire(Optional.of("a")));
    now.addAndGet(IDLE.toNanos() * 2);
    tier.sweep();
    assertEquals(1, launcher.alive("a"), "a lease is held: in use, not idle");

    first.release();
    now.addAndGet(IDLE.toNanos() - 1);
    tier.sweep();
    assertEquals(1, launcher.alive("a"), "not idle long enough");
    now.addAndGet(1);
    tier.sweep();
    assertEquals(0, launcher.alive("a"), "stopped when idle");

    Await.result(tier.acquire(Optional.of("a")));
    assertEquals(2, launcher.starts("a"));
    assertEquals(1, launcher.alive("a"));
  }

  @Test
  void a_runtime_that_dies_is_restarted_after_a_back_off() throws Exception {
    tier(8, Duration.ofSeconds(10));
    Await.result(tier.acquire(Optional.of("a"))).release();
    launcher.current("a").die();

    long started = System.nanoTime();
    RuntimeLease next = Await.result(tier.acquire(Optional.of("a")), Duration.ofSeconds(10));

    assertTrue(System.nanoTime() - started >= Duration.ofMillis(900).toNanos(), "after the first back-off");
    assertEquals(2, launcher.starts("a"));
    assertEquals(launcher.current("a").target(), next.target());
  }

  @Test
  void a_runtime_that_fails_to_start_is_refused_until_its_back_off_has_passed() throws Exception {
    tier(8, Duration.ofSeconds(5));
    launcher.failing.add("a");

    assertEquals(RuntimeUnavailable.FAILED, unavailable(tier.acquire(Optional.of("a"))).reason());
    RuntimeUnavailable again = unavailable(tier.acquire(Optional.of("a")));
    assertEquals(RuntimeUnavailable.FAILED, again.reason());
    assertEquals(1, launcher.attempts.get(), "no new attempt before the back-off has passed");

    launcher.failing.remove("a");
    now.addAndGet(Duration.ofSeconds(DedicatedRuntimes.FIRST_BACKOFF_SECONDS).toNanos());
    Await.result(tier.acquire(Optional.of("a")));
    assertEquals(1, launcher.alive("a"));
  }

  @Test
  void a_request_waits_at_most_the_start_wait_and_the_start_goes_on() throws Exception {
    tier(8, Duration.ofMillis(200));
    Promise<Void> gate = Promise.promise();
    launcher.held.put("a", gate);

    RuntimeUnavailable refused = unavailable(tier.acquire(Optional.of("a")));

    assertEquals(RuntimeUnavailable.STARTING, refused.reason());
    assertTrue(refused.retryAfterSeconds().isPresent());
    gate.complete();
    RuntimeLease lease = Await.result(tier.acquire(Optional.of("a")));
    assertEquals(1, launcher.starts("a"), "one start only");
    assertEquals(launcher.current("a").target(), lease.target());
  }

  @Test
  void a_locked_workspaces_runtime_is_stopped() throws Exception {
    tier(8, Duration.ofSeconds(5));
    Await.result(tier.acquire(Optional.of("a")));
    Await.result(tier.acquire(Optional.of("b")));

    locked.add("a");
    tier.sweep();

    assertEquals(0, launcher.alive("a"), "stopped although a lease is held");
    assertEquals(1, launcher.alive("b"));
  }

  @Test
  void a_workspace_stopped_while_starting_never_runs_two_processes_over_its_data() throws Exception {
    tier(8, Duration.ofSeconds(5));
    Promise<Void> gate = Promise.promise();
    launcher.held.put("a", gate);
    Future<RuntimeLease> waiting = tier.acquire(Optional.of("a"));

    Future<Void> stopped = tier.stop("a");
    assertEquals(RuntimeUnavailable.STOPPED, unavailable(waiting).reason());
    launcher.held.remove("a");
    Future<RuntimeLease> again = tier.acquire(Optional.of("a"));
    gate.complete();

    Await.result(stopped);
    Await.result(again);
    assertEquals(1, launcher.mostAliveOverOneWorkspace.get(), "one process at a time over a workspace's data");
    assertEquals(1, launcher.alive("a"));
  }

  @Test
  void erasing_a_workspace_stops_its_runtime_first() throws Exception {
    tier(8, Duration.ofSeconds(5));
    Await.result(tier.acquire(Optional.of("a")));

    Await.result(tier.erase("a"));

    assertEquals(0, launcher.alive("a"));
    assertEquals(Set.of("a"), launcher.erased);
    assertEquals(List.of(), tier.status());
  }

  @Test
  void closing_stops_every_runtime() throws Exception {
    tier(8, Duration.ofSeconds(5));
    Await.result(tier.acquire(Optional.of("a")));
    Await.result(tier.acquire(Optional.of("b")));

    Await.result(tier.close());

    assertEquals(0, launcher.alive("a") + launcher.alive("b"));
    assertEquals(RuntimeUnavailable.STOPPED, unavailable(tier.acquire(Optional.of("a"))).reason());
    tier = null;
  }
}
