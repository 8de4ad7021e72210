package dev.gatehouse.gateway.tier;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One runtime per workspace ({@code runtime.isolation: dedicated}): each workspace's requests
 * and sockets go to a runtime process of its own, with its own data, database, salt and key.
 *
 * <h3>Guarantees</h3>
 * <ul>
 *   <li>Started on the workspace's first exchange; an exchange waits at most
 *       {@link Options#startWait} for it, then gets 503 {@value RuntimeUnavailable#STARTING} with
 *       {@code Retry-After} (the start goes on).</li>
 *   <li>At most {@link Options#maxRunning} runtimes exist at once, starting ones included. A new
 *       workspace's runtime first stops the least recently used runtime that holds no lease, and
 *       starts only once that one has exited; when every runtime is in use, the new workspace gets
 *       503 {@value RuntimeUnavailable#CAPACITY} and the running ones are untouched.</li>
 *   <li>A runtime that holds no lease for {@link Options#idleTimeout} is stopped; the next
 *       exchange starts it again over the same data.</li>
 *   <li>A runtime that dies is restarted after a back-off (1 s, doubling up to
 *       {@value #MAX_BACKOFF_SECONDS} s; the count resets once a runtime has run for
 *       {@value #STABLE_SECONDS} s). A runtime that fails to start is tried again by the first
 *       exchange after its back-off; until then exchanges get 503 {@value RuntimeUnavailable#FAILED}.</li>
 *   <li>A locked workspace's runtime is stopped (checked every {@link #SWEEP_INTERVAL}); its
 *       tokens are refused before any exchange gets here.</li>
 *   <li>Two processes never run over one workspace's data: a runtime starts only after the
 *       previous process of the same workspace has exited.</li>
 * </ul>
 * Thread-safe: exchanges of every event loop acquire leases.
 */
public final class DedicatedRuntimes implements RuntimeTier {

  /** How often idle and locked workspaces' runtimes are looked for. */
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(5);
  static final long FIRST_BACKOFF_SECONDS = 1;
  static final long MAX_BACKOFF_SECONDS = 60;
  /** A runtime up this long has started well: its failure count starts again. */
  static final long STABLE_SECONDS = 60;
  /** Retry-After for a workspace refused because every runtime is in use. */
  static final long CAPACITY_RETRY_SECONDS = 10;
  /** Retry-After for a request that waited {@link Options#startWait} in vain. */
  static final long STARTING_RETRY_SECONDS = 5;
  /**
   * How long a lease whose runtime refused a connection waits for the process's exit to be
   * noticed before it gives up (the exchange then fails with 502).
   */
  static final Duration EXIT_NOTICE = Duration.ofSeconds(3);

  private static final Logger LOG = LoggerFactory.getLogger(DedicatedRuntimes.class);

  /**
   * @param maxRunning most runtimes at once ({@code runtime.maxRunning})
   * @param idleTimeout a runtime without leases for this long is stopped ({@code runtime.idleTimeout})
   * @param startWait longest an exchange waits for its runtime to start ({@code runtime.startWait})
   */
  public record Options(int maxRunning, Duration idleTimeout, Duration startWait) {
    public Options {
      if (maxRunning < 1) {
        throw new IllegalArgumentException("maxRunning must be at least 1");
      }
    }
  }

  /** What {@link #status} reports of one workspace's runtime. */
  public record Status(String workspace, String state, int leases, long idleSeconds, int failures) {}

  private final Vertx vertx;
  private final RuntimeLauncher launcher;
  private final Options options;
  private final Predicate<String> locked;
  private final LongSupplier nanos;
  private final Map<String, Slot> slots = new HashMap<>();
  /** Processes being stopped, by workspace: a new start of that workspace waits for them. */
  private final Map<String, Future<Void>> stopping = new HashMap<>();
  private final long sweeper;
  private boolean closed;

  /** @param locked whether a workspace is locked (its runtime is then stopped) */
  public DedicatedRuntimes(Vertx vertx, RuntimeLauncher launcher, Options options, Predicate<String> locked) {
    this(vertx, launcher, options, locked, System::nanoTime);
  }

  DedicatedRuntimes(Vertx vertx, RuntimeLauncher launcher, Options options, Predicate<String> locked,
      LongSupplier nanos) {
    this.vertx = vertx;
    this.launcher = launcher;
    this.options = options;
    this.locked = locked;
    this.nanos = nanos;
    this.sweeper = vertx.setPeriodic(SWEEP_INTERVAL.toMillis(), id -> sweep());
  }

  /** One workspace's runtime: its current process (or start) and who uses it. Guarded by the tier. */
  private final class Slot {
    final String workspace;
    /** Completes with the running process; replaced on every (re)start. */
    Promise<RuntimeInstance> ready = Promise.promise();
    RuntimeInstance instance;
    /** The launch in progress, if any. */
    Future<RuntimeInstance> launching;
    boolean removed;
    int leases;
    long lastUsed;
    long startedAt;
    int failures;
    /** After a failed start: no new attempt before this time. */
    long retryAt;
    long restartTimer = -1;

    Slot(String workspace) {
      this.workspace = workspace;
    }

    String state() {
      if (instance != null) {
        return "running";
      }
      return launching != null ? "starting" : restartTimer != -1 ? "restarting" : "failed";
    }

    boolean starting() {
      return launching != null || restartTimer != -1;
    }
  }

  @Override
  public Future<RuntimeLease> acquire(Optional<String> workspace) {
    if (workspace.isEmpty()) {
      return Future.failedFuture(RuntimeUnavailable.notAssigned());
    }
    String id = workspace.get();
    Slot slot;
    Future<RuntimeInstance> ready;
    synchronized (this) {
      if (closed) {
        return Future.failedFuture(RuntimeUnavailable.retryLater(RuntimeUnavailable.STOPPED, STARTING_RETRY_SECONDS));
      }
      long now = nanos.getAsLong();
      slot = slots.get(id);
      if (slot == null) {
        Optional<Future<Void>> room = makeRoom();
        if (room.isEmpty()) {
          return Future.failedFuture(RuntimeUnavailable.retryLater(RuntimeUnavailable.CAPACITY, CAPACITY_RETRY_SECONDS));
        }
        slot = new Slot(id);
        slots.put(id, slot);
        start(slot, room.get());
      } else if (slot.instance == null && !slot.starting()) {
        long wait = slot.retryAt - now;
        if (wait > 0) {
          return Future.failedFuture(RuntimeUnavailable.retryLater(RuntimeUnavailable.FAILED,
              TimeUnit.NANOSECONDS.toSeconds(wait) + 1));
        }
        slot.ready = Promise.promise();
        start(slot, Future.succeededFuture());
      }
      slot.leases++;
      slot.lastUsed = now;
      ready = slot.ready.future();
    }
    Slot held = slot;
    return bounded(ready)
        .map(instance -> (RuntimeLease) new Lease(held, instance))
        .onFailure(failure -> release(held));
  }

  /**
   * Room for one more runtime: at once when fewer than the maximum exist, otherwise after the
   * least recently used runtime without leases has exited; empty when every one is in use.
   */
  private Optional<Future<Void>> makeRoom() {
    if (slots.size() < options.maxRunning()) {
      return Optional.of(Future.succeededFuture());
    }
    Optional<Slot> victim = slots.values().stream()
        .filter(s -> s.leases == 0)
        .min(Comparator.comparingLong(s -> s.lastUsed));
    if (victim.isEmpty()) {
      return Optional.empty();
    }
    LOG.info("stopping the runtime of workspace {} (least recently used) to start another", victim.get().workspace);
    return Optional.of(remove(victim.get()));
  }

  /** Launches {@code slot}'s runtime once {@code after} (a previous process's exit) is done. */
  private void start(Slot slot, Future<Void> after) {
    Future<Void> previous = stopping.getOrDefault(slot.workspace, Future.succeededFuture());
    Promise<RuntimeInstance> ready = slot.ready;
    Future<RuntimeInstance> launching = Future.join(after, previous)
        .transform(ignored -> launcher.launch(slot.workspace));
    slot.launching = launching;
    launching.onComplete(launched -> onLaunched(slot, ready, launched.succeeded() ? launched.result() : null,
        launched.cause()));
  }

  private void onLaunched(Slot slot, Promise<RuntimeInstance> ready, RuntimeInstance instance, Throwable failure) {
    boolean stopNow;
    synchronized (this) {
      slot.launching = null;
      stopNow = slot.removed && instance != null;
      if (!slot.removed) {
        if (instance != null) {
          slot.instance = instance;
          slot.startedAt = nanos.getAsLong();
          instance.exited().onComplete(exit -> onExit(slot, instance));
        } else {
          slot.failures++;
          long backoff = backoffSeconds(slot.failures);
          slot.retryAt = nanos.getAsLong() + TimeUnit.SECONDS.toNanos(backoff);
          LOG.error("the runtime of workspace {} failed to start (attempt {}); next attempt in {} s: {}",
              slot.workspace, slot.failures, backoff, failure == null ? "" : failure.getMessage());
        }
      }
    }
    if (stopNow) {
      // remove() waits for this process's exit.
      instance.stop();
    }
    if (instance != null && !stopNow) {
      ready.tryComplete(instance);
    } else if (instance == null) {
      ready.tryFail(RuntimeUnavailable.retryLater(RuntimeUnavailable.FAILED, backoffSeconds(slot.failures)));
    } else {
      ready.tryFail(RuntimeUnavailable.retryLater(RuntimeUnavailable.STOPPED, STARTING_RETRY_SECONDS));
    }
  }

  /** A process that exits while it is the slot's current one died: it is restarted after a back-off. */
  private void onExit(Slot slot, RuntimeInstance instance) {
    synchronized (this) {
      if (slot.removed || slot.instance != instance) {
        return;
      }
      slot.instance = null;
      if (nanos.getAsLong() - slot.startedAt >= TimeUnit.SECONDS.toNanos(STABLE_SECONDS)) {
        slot.failures = 0;
      }
      slot.failures++;
      long backoff = backoffSeconds(slot.failures);
      LOG.error("the runtime of workspace {} exited unexpectedly; restarting it in {} s", slot.workspace, backoff);
      slot.ready = Promise.promise();
      slot.restartTimer = vertx.setTimer(TimeUnit.SECONDS.toMillis(backoff), id -> {
        synchronized (this) {
          slot.restartTimer = -1;
          if (slot.removed) {
            return;
          }
          start(slot, Future.succeededFuture());
        }
      });
    }
  }

  private static long backoffSeconds(int failures) {
    long seconds = FIRST_BACKOFF_SECONDS << Math.min(failures - 1, 16);
    return Math.min(seconds, MAX_BACKOFF_SECONDS);
  }

  /** Waits for a start at most {@code startWait}; the start itself goes on. */
  private Future<RuntimeInstance> bounded(Future<RuntimeInstance> ready) {
    return bounded(ready, options.startWait());
  }

  private <T> Future<T> bounded(Future<T> ready, Duration limit) {
    if (ready.isComplete()) {
      return ready;
    }
    Promise<T> bounded = Promise.promise();
    long timer = vertx.setTimer(limit.toMillis(), id -> bounded.tryFail(
        RuntimeUnavailable.retryLater(RuntimeUnavailable.STARTING, STARTING_RETRY_SECONDS)));
    ready.onComplete(result -> {
      vertx.cancelTimer(timer);
      if (result.succeeded()) {
        bounded.tryComplete(result.result());
      } else {
        bounded.tryFail(result.cause());
      }
    });
    return bounded.future();
  }

  private void release(Slot slot) {
    synchronized (this) {
      slot.leases--;
      slot.lastUsed = nanos.getAsLong();
    }
  }

  /** Stops idle runtimes and those of locked workspaces. */
  void sweep() {
    List<Slot> idle = new ArrayList<>();
    synchronized (this) {
      long now = nanos.getAsLong();
      for (Slot slot : slots.values()) {
        if (locked.test(slot.workspace)) {
          LOG.info("stopping the runtime of workspace {}: the workspace is locked", slot.workspace);
          idle.add(slot);
        } else if (slot.leases == 0 && slot.instance != null
            && now - slot.lastUsed >= options.idleTimeout().toNanos()) {
          LOG.info("stopping the runtime of workspace {}: idle for {}", slot.workspace, options.idleTimeout());
          idle.add(slot);
        }
      }
      idle.forEach(this::remove);
    }
  }

  /** Takes the slot out and stops its process (now, or as soon as its start completes). Guarded. */
  private Future<Void> remove(Slot slot) {
    slots.remove(slot.workspace);
    slot.removed = true;
    if (slot.restartTimer != -1) {
      vertx.cancelTimer(slot.restartTimer);
      slot.restartTimer = -1;
    }
    Future<Void> stopped;
    if (slot.instance != null) {
      stopped = slot.instance.stop();
      slot.instance = null;
    } else if (slot.launching != null) {
      // onLaunched stops the process as soon as it is up; wait for it to exit.
      stopped = slot.launching.transform(started -> started.succeeded()
          ? started.result().exited() : Future.succeededFuture());
    } else {
      stopped = Future.succeededFuture();
    }
    slot.ready.tryFail(RuntimeUnavailable.retryLater(RuntimeUnavailable.STOPPED, STARTING_RETRY_SECONDS));
    return track(slot.workspace, stopped);
  }

  private Future<Void> track(String workspace, Future<Void> stop) {
    Future<Void> done = stop.recover(failure -> {
      LOG.warn("the runtime of workspace {} did not stop cleanly: kind={}", workspace,
          failure.getClass().getSimpleName());
      return Future.succeededFuture();
    });
    synchronized (this) {
      Future<Void> before = stopping.getOrDefault(workspace, Future.succeededFuture());
      Future<Void> both = Future.join(before, done).mapEmpty();
      stopping.put(workspace, both);
      both.onComplete(v -> {
        synchronized (this) {
          stopping.remove(workspace, both);
        }
      });
      return both;
    }
  }

  /** Stops the workspace's runtime, if it has one, and completes once its process has exited. */
  public Future<Void> stop(String workspace) {
    synchronized (this) {
      Slot slot = slots.get(workspace);
      return slot == null ? stopping.getOrDefault(workspace, Future.succeededFuture()) : remove(slot);
    }
  }

  @Override
  public Future<Void> erase(String workspace) {
    return stop(workspace).compose(v -> launcher.erase(workspace));
  }

  /** How many runtimes are running now. */
  public synchronized int running() {
    return (int) slots.values().stream().filter(s -> s.instance != null).count();
  }

  /** Every workspace's runtime as it is now, by workspace id. */
  public synchronized List<Status> status() {
    long now = nanos.getAsLong();
    return slots.values().stream()
        .sorted(Comparator.comparing(s -> s.workspace))
        .map(s -> new Status(s.workspace, s.state(), s.leases,
            s.leases > 0 ? 0 : TimeUnit.NANOSECONDS.toSeconds(now - s.lastUsed), s.failures))
        .toList();
  }

  @Override
  public String describe() {
    return "dedicated runtimes (at most " + options.maxRunning() + ", idle stop after " + options.idleTimeout() + ")";
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> stops = new ArrayList<>();
    synchronized (this) {
      closed = true;
      vertx.cancelTimer(sweeper);
      new ArrayList<>(slots.values()).forEach(slot -> stops.add(remove(slot)));
      stops.addAll(stopping.values());
    }
    return Future.join(stops).mapEmpty();
  }

  private final class Lease implements RuntimeLease {
    private final Slot slot;
    private final RuntimeInstance instance;
    private boolean released;

    Lease(Slot slot, RuntimeInstance instance) {
      this.slot = slot;
      this.instance = instance;
    }

    @Override
    public RuntimeTarget target() {
      return instance.target();
    }

    /** Waits for the refusing process's exit to be noticed, then for the workspace's runtime. */
    @Override
    public Future<RuntimeLease> renew() {
      return bounded(instance.exited(), EXIT_NOTICE)
          .compose(exited -> acquire(Optional.of(slot.workspace)))
          .onComplete(renewed -> release());
    }

    @Override
    public void release() {
      synchronized (DedicatedRuntimes.this) {
        if (released) {
          return;
        }
        released = true;
      }
      DedicatedRuntimes.this.release(slot);
    }
  }
}
