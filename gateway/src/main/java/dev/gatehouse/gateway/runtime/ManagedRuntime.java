package dev.gatehouse.gateway.runtime;

import dev.gatehouse.gateway.mutate.HeaderMutator;
import dev.gatehouse.gateway.tier.RuntimeInstance;
import dev.gatehouse.gateway.tier.RuntimeTarget;
import dev.gatehouse.secrets.SecretValue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An elizaOS agent server ({@value #PACKAGE}@{@value #VERSION}, with the plugins of
 * {@link RuntimePackages}) run by the gateway as a child process: one per workspace, or one
 * shared by every workspace.
 *
 * <h3>Guarantees</h3>
 * <ul>
 *   <li>Installed once per cache directory ({@link #install}), then started with {@code node} on
 *       {@code 127.0.0.1} only, on a free port, with a fresh random API key per start, a random
 *       {@code SECRET_SALT} kept in the data directory ({@link RuntimeSalt}), a bounded heap, the
 *       web UI and plugin auto-install off, and Sentry without a transport. Agents that were
 *       enabled when the runtime last stopped are started again.</li>
 *   <li>The environment is an allowlist ({@link RuntimeEnvironment}); none of the gateway's own
 *       variables reach the runtime, and the start script keeps the runtime's credentials out of
 *       every agent's settings.</li>
 *   <li>Its standard output and error go to the gateway's log, tagged with the runtime's
 *       {@link Options#tag} ({@link RuntimeOutput}).</li>
 *   <li>{@link #start} completes only when the runtime answers an authenticated request; it
 *       fails with a {@link RuntimeStartException} when the process exits or is not healthy
 *       within the start timeout. Whatever was started is stopped again.</li>
 *   <li>The process tree is stopped by {@link #stop}: the runtime's standard input, a pipe held
 *       by the gateway, is closed and the runtime shuts down; it is killed if still running after
 *       {@link #STOP_TIMEOUT}. When the gateway dies without stopping it, the pipe closes all the
 *       same. The runtime ignores SIGINT, so ctrl-C in a terminal leaves it to the gateway to
 *       stop it after draining.</li>
 * </ul>
 * The API key and salt are never logged and appear in no message or {@code toString()}.
 */
public final class ManagedRuntime implements RuntimeInstance {

  private static final Logger LOG = LoggerFactory.getLogger(ManagedRuntime.class);

  public static final String PACKAGE = "@elizaos/server";
  public static final String VERSION = "1.7.2";
  /** The {@link Options#tag} of the one runtime shared by every workspace. */
  public static final String SHARED_TAG = "shared";
  /** Default time from process start to a healthy runtime (10 to 30 s measured here). */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(2);
  /** Default Node.js heap limit of one runtime, in MiB (an idle runtime uses about 150 MiB of heap). */
  public static final int DEFAULT_HEAP_LIMIT_MIB = 1024;
  /** After this long a runtime that has not shut down is killed. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  /** In the data directory: the ids of the agents running when the runtime last stopped. */
  static final String AGENTS_FILE = "running-agents.json";
  /** Bytes of randomness in the generated API key. */
  static final int SECRET_BYTES = 32;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
  private static final String WORKER_POOL = "gatehouse-managed-runtime";
  /** Workers for installs, starts and stops: starts of several workspaces may overlap. */
  private static final int WORKERS = 8;
  /** Longest install plus start (npm timeout plus start timeouts), for the blocked-thread check. */
  private static final Duration BLOCKING_LIMIT = Duration.ofMinutes(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * How one runtime runs.
   *
   * @param installDir the npm install ({@link #install}), shared by every runtime of the host
   * @param dataDir this runtime's own state: its database, salt and working directory
   * @param startTimeout longest time from process start to a healthy runtime
   * @param heapLimitMiB the Node.js heap limit ({@code --max-old-space-size})
   * @param tag names the runtime in the gateway's log: a workspace id or {@link #SHARED_TAG}
   * @param environment variables set for the runtime besides its own (model provider settings)
   */
  public record Options(Path installDir, Path dataDir, Duration startTimeout, int heapLimitMiB, String tag,
      Map<String, SecretValue> environment) {

    public Options {
      environment = Map.copyOf(environment);
    }
  }

  private final Vertx vertx;
  private final Process process;
  private final RuntimeTarget target;
  private final String tag;
  private final long started;
  private final Future<Void> exited;
  private volatile boolean stopping;

  private ManagedRuntime(Vertx vertx, Process process, RuntimeTarget target, String tag, long started) {
    this.vertx = vertx;
    this.process = process;
    this.target = target;
    this.tag = tag;
    this.started = started;
    Promise<Void> exit = Promise.promise();
    this.exited = exit.future();
    process.onExit().thenAccept(gone -> {
      if (!stopping) {
        LOG.error("{}@{} of {} (pid {}) exited unexpectedly with code {}", PACKAGE, VERSION, tag, gone.pid(),
            gone.exitValue());
      }
      exit.tryComplete();
    });
  }

  /**
   * {@code ${XDG_CACHE_HOME:-~/.cache}/gatehouse/runtimes}: where installs live, one directory
   * per lockfile ({@link RuntimePackages#installName}).
   *
   * @param environment the gateway's environment (for {@code XDG_CACHE_HOME})
   */
  public static Path defaultCacheDir(Map<String, String> environment) {
    String xdg = environment.get("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("gatehouse").resolve("runtimes");
  }

  /**
   * Installs {@code packages} under {@code cacheDir} unless already there (see
   * {@link RuntimeInstaller}); completes with the install directory.
   */
  public static Future<Path> install(Vertx vertx, Path cacheDir, RuntimePackages packages) {
    return install(vertx, cacheDir, packages, System.getenv());
  }

  static Future<Path> install(Vertx vertx, Path cacheDir, RuntimePackages packages, Map<String, String> environment) {
    return blocking(vertx, () -> {
      Path dir = new RuntimeInstaller(RuntimeEnvironment.forNpm(environment)).ensureInstalled(cacheDir, packages);
      RuntimeInstaller.startScript(dir);
      return dir;
    });
  }

  /** Starts a runtime from an install; see the class guarantees. */
  public static Future<ManagedRuntime> start(Vertx vertx, Options options) {
    return start(vertx, options, System.getenv());
  }

  static Future<ManagedRuntime> start(Vertx vertx, Options options, Map<String, String> environment) {
    return blocking(vertx, () -> launch(vertx, options, environment))
        .compose(runtime -> runtime.awaitHealthy(runtime.started + options.startTimeout().toNanos())
            .map(ready -> {
              LOG.info("{}@{} of {} ready at {} in {} ms", PACKAGE, VERSION, options.tag(), runtime.target.url(),
                  TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - runtime.started));
              return runtime;
            })
            .recover(failure -> runtime.stop().transform(stopped -> Future.failedFuture(failure))));
  }

  /** Starts Node and waits until it listens. Blocking. */
  private static ManagedRuntime launch(Vertx vertx, Options options, Map<String, String> environment)
      throws IOException {
    Path script = RuntimeInstaller.startScript(options.installDir());
    Path dataDir = options.dataDir().toAbsolutePath();
    Files.createDirectories(dataDir);
    Path ready = dataDir.resolve("ready");
    Files.deleteIfExists(ready);
    Path agents = dataDir.resolve(AGENTS_FILE);
    String key = randomSecret();
    int port = freeLoopbackPort();
    ProcessBuilder builder = new ProcessBuilder(List.of("node", "--max-old-space-size=" + options.heapLimitMiB(),
        script.toString(), Integer.toString(port), dataDir.resolve("db").toString(), ready.toString(),
        agents.toString()))
        .directory(dataDir.toFile())
        .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.clear();
    options.environment().forEach((name, value) -> env.put(name, value.revealUtf8()));
    env.putAll(RuntimeEnvironment.forRuntime(environment, key, RuntimeSalt.loadOrCreate(dataDir, RANDOM)));
    long started = System.nanoTime();
    Process process = builder.start();
    RuntimeOutput.forward(process.getInputStream(), options.tag(), process.pid());
    LOG.info("starting {}@{} of {}: node pid {}", PACKAGE, VERSION, options.tag(), process.pid());
    try {
      int bound = awaitReadyFile(process, ready, options.tag(), started + options.startTimeout().toNanos());
      return new ManagedRuntime(vertx, process,
          new RuntimeTarget(URI.create("http://127.0.0.1:" + bound), Optional.of(SecretValue.ofUtf8(key))),
          options.tag(), started);
    } catch (RuntimeException | IOException e) {
      destroyTree(process);
      throw e;
    }
  }

  private static int awaitReadyFile(Process process, Path ready, String tag, long deadline) throws IOException {
    while (!Files.exists(ready)) {
      if (!process.isAlive()) {
        throw new RuntimeStartException("the elizaOS runtime of " + tag + " exited with code " + process.exitValue()
            + " while starting; its output is in the log (" + RuntimeOutput.TAG_FIELD + "=" + tag + ")");
      }
      if (System.nanoTime() - deadline > 0) {
        throw new RuntimeStartException("the elizaOS runtime of " + tag + " did not listen within the start timeout"
            + " (runtime.startTimeout); its output is in the log (" + RuntimeOutput.TAG_FIELD + "=" + tag + ")");
      }
      sleep(POLL);
    }
    try {
      return Integer.parseInt(Files.readString(ready).trim());
    } catch (NumberFormatException e) {
      throw new RuntimeStartException("the elizaOS runtime of " + tag + " reported no port", e);
    }
  }

  /** Healthy: an authenticated {@code GET /api/server/ping} answers 200 before {@code deadline}. */
  private Future<Void> awaitHealthy(long deadline) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) PROBE_TIMEOUT.toMillis()));
    Promise<Void> healthy = Promise.promise();
    probe(client, deadline, healthy);
    return healthy.future().eventually(client::close);
  }

  private void probe(HttpClient client, long deadline, Promise<Void> healthy) {
    RequestOptions ping = new RequestOptions()
        .setServer(target.origin())
        .setURI("/api/server/ping")
        .setIdleTimeout(PROBE_TIMEOUT.toMillis())
        .putHeader(HeaderMutator.RUNTIME_KEY_HEADER, target.apiKey().orElseThrow());
    client.request(ping)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode()))
        .onComplete(result -> {
          int status = result.succeeded() ? result.result() : -1;
          if (status == 200) {
            healthy.complete();
          } else if (!process.isAlive() || System.nanoTime() - deadline > 0) {
            healthy.fail(new RuntimeStartException("the elizaOS runtime of " + tag + " did not become healthy (last status "
                + status + (process.isAlive() ? "" : ", process exited") + "); its output is in the log ("
                + RuntimeOutput.TAG_FIELD + "=" + tag + ")"));
          } else {
            vertx.setTimer(POLL.toMillis(), id -> probe(client, deadline, healthy));
          }
        });
  }

  /** {@code http://127.0.0.1:<port>} and this start's API key; the runtime listens on loopback only. */
  @Override
  public RuntimeTarget target() {
    return target;
  }

  @Override
  public Future<Void> exited() {
    return exited;
  }

  /** The Node process id (its children are stopped with it). */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Stops the runtime and every process it started: its standard input is closed and SIGTERM
   * sent; after {@link #STOP_TIMEOUT} whatever is left is killed. Idempotent.
   */
  @Override
  public Future<Void> stop() {
    stopping = true;
    return blocking(vertx, () -> {
      destroyTree(process);
      LOG.info("{}@{} of {} stopped (pid {})", PACKAGE, VERSION, tag, process.pid());
      return null;
    });
  }

  /**
   * Closes the runtime's standard input, which makes the start script send itself SIGTERM
   * (elizaOS then stops its agents and closes its database); whatever is still running after
   * {@link #STOP_TIMEOUT}, the runtime or a process it started, is killed.
   */
  private static void destroyTree(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Already closed: the runtime is stopping.
    }
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("elizaOS runtime (pid {}) still running {} after its input closed; killing it", process.pid(),
            STOP_TIMEOUT);
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle child : children) {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
  }

  /**
   * Installing and starting take minutes, longer than Vert.x's default worker limit, so they run
   * on a small pool of their own with a matching limit. The executor handle stays referenced
   * until the work is done: Vert.x closes a collected handle's pool, interrupting its threads.
   */
  private static <T> Future<T> blocking(Vertx vertx, Callable<T> work) {
    WorkerExecutor executor = vertx.createSharedWorkerExecutor(WORKER_POOL, WORKERS, BLOCKING_LIMIT.toMinutes(),
        TimeUnit.MINUTES);
    return executor.executeBlocking(work, false).eventually(executor::close);
  }

  private static String randomSecret() {
    byte[] bytes = new byte[SECRET_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A port free on loopback now; the runtime moves to the next free one if it is taken meanwhile. */
  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeStartException("interrupted while starting the elizaOS runtime", e);
    }
  }

  @Override
  public String toString() {
    return "ManagedRuntime[" + PACKAGE + "@" + VERSION + " of " + tag + " at " + target.url() + ", pid " + process.pid()
        + "]";
  }
}
