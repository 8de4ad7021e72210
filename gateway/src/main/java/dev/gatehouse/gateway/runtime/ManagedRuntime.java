package dev.gatehouse.gateway.runtime;

import dev.gatehouse.gateway.mutate.HeaderMutator;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An elizaOS agent server ({@value #PACKAGE}@{@value #VERSION}) run by the gateway as a child
 * process, for one-command deployments and tests.
 *
 * <h3>Guarantees</h3>
 * <ul>
 *   <li>Installed once per cache directory ({@link RuntimeInstaller}), then started with
 *       {@code node} on {@code 127.0.0.1} only, on a free port, with a fresh random API key per
 *       start, a random {@code SECRET_SALT} kept in the data directory ({@link RuntimeSalt}), the
 *       web UI and plugin auto-install off, and Sentry without a transport.</li>
 *   <li>The environment is an allowlist ({@link RuntimeEnvironment}); none of the gateway's own
 *       variables reach the runtime, and the start script keeps the runtime's credentials out of
 *       every agent's settings.</li>
 *   <li>{@link #start} completes only when the runtime answers an authenticated request; it
 *       fails with a {@link RuntimeStartException} naming the runtime's log file when Node is
 *       missing, npm fails, the process exits, or it is not healthy within the start timeout.
 *       Whatever was started is stopped again.</li>
 *   <li>The process tree is stopped by {@link #stop}: the runtime's standard input, a pipe held
 *       by the gateway, is closed and the runtime shuts down; it is killed if still running after
 *       {@link #STOP_TIMEOUT}. When the gateway dies without stopping it, the pipe closes all the
 *       same. The runtime ignores SIGINT, so ctrl-C in a terminal leaves it to the gateway to
 *       stop it after draining.</li>
 * </ul>
 * The API key and salt are never logged and appear in no message or {@code toString()}.
 */
public final class ManagedRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(ManagedRuntime.class);

  public static final String PACKAGE = "@elizaos/server";
  public static final String VERSION = "1.7.2";
  /** Default time from process start to a healthy runtime (10 to 30 s measured here). */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(2);
  /** After this long a runtime that has not shut down is killed. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  /** Bytes of randomness in the generated API key. */
  static final int SECRET_BYTES = 32;
  /** The runtime's own log, in its data directory. */
  public static final String LOG_FILE = "runtime.log";
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
  private static final String WORKER_POOL = "gatehouse-managed-runtime";
  /** Longest install plus start (npm timeout plus start timeouts), for the blocked-thread check. */
  private static final Duration BLOCKING_LIMIT = Duration.ofMinutes(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Where the runtime lives.
   *
   * @param cacheDir the npm install, shared by every gateway on the host (see
   *     {@link #defaultCacheDir})
   * @param dataDir this runtime's own state: its database, log and working directory
   * @param startTimeout longest time from process start to a healthy runtime
   */
  public record Options(Path cacheDir, Path dataDir, Duration startTimeout) {}

  private final Vertx vertx;
  private final Process process;
  private final URI baseUrl;
  private final SecretValue apiKey;
  private final Path log;
  private final long started;
  private volatile boolean stopping;

  private ManagedRuntime(Vertx vertx, Process process, URI baseUrl, SecretValue apiKey, Path log, long started) {
    this.vertx = vertx;
    this.log = log;
    this.started = started;
    this.process = process;
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    process.onExit().thenAccept(exited -> {
      if (!stopping) {
        LOG.error("{}@{} (pid {}) exited unexpectedly with code {}; requests now fail with 502; see {}",
            PACKAGE, VERSION, exited.pid(), exited.exitValue(), log);
      }
    });
  }

  /**
   * {@code ${XDG_CACHE_HOME:-~/.cache}/gatehouse/runtimes/elizaos-server-1.7.2}.
   *
   * @param environment the gateway's environment (for {@code XDG_CACHE_HOME})
   */
  public static Path defaultCacheDir(Map<String, String> environment) {
    String xdg = environment.get("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("gatehouse").resolve("runtimes").resolve("elizaos-server-" + VERSION);
  }

  /** Installs if needed and starts a runtime; see the class guarantees. */
  public static Future<ManagedRuntime> start(Vertx vertx, Options options) {
    return start(vertx, options, System.getenv());
  }

  static Future<ManagedRuntime> start(Vertx vertx, Options options, Map<String, String> environment) {
    return blocking(vertx).executeBlocking(() -> launch(vertx, options, environment), false)
        .compose(runtime -> runtime.awaitHealthy(runtime.started + options.startTimeout().toNanos())
            .map(ready -> {
              LOG.info("{}@{} ready at {} in {} ms", PACKAGE, VERSION, runtime.baseUrl,
                  TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - runtime.started));
              return runtime;
            })
            .recover(failure -> runtime.stop().transform(stopped -> Future.failedFuture(failure))));
  }

  /** Installs if needed, starts Node and waits until it listens. Blocking. */
  private static ManagedRuntime launch(Vertx vertx, Options options, Map<String, String> environment) throws IOException {
    Path script = new RuntimeInstaller(PACKAGE + "@" + VERSION, RuntimeEnvironment.forNpm(environment))
        .ensureInstalled(options.cacheDir());
    Path dataDir = options.dataDir().toAbsolutePath();
    Files.createDirectories(dataDir);
    Path ready = dataDir.resolve("ready");
    Files.deleteIfExists(ready);
    Path log = dataDir.resolve(LOG_FILE);
    String key = randomSecret();
    int port = freeLoopbackPort();
    ProcessBuilder builder = new ProcessBuilder(List.of("node", script.toString(), Integer.toString(port),
        dataDir.resolve("db").toString(), ready.toString()))
        .directory(dataDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().clear();
    builder.environment().putAll(RuntimeEnvironment.forRuntime(environment, key, RuntimeSalt.loadOrCreate(dataDir, RANDOM)));
    long started = System.nanoTime();
    Process process = builder.start();
    LOG.info("starting {}@{}: node pid {}, log {}", PACKAGE, VERSION, process.pid(), log);
    try {
      int bound = awaitReadyFile(process, ready, log, started + options.startTimeout().toNanos());
      return new ManagedRuntime(vertx, process, URI.create("http://127.0.0.1:" + bound), SecretValue.ofUtf8(key), log,
          started);
    } catch (RuntimeException | IOException e) {
      destroyTree(process);
      throw e;
    }
  }

  private static int awaitReadyFile(Process process, Path ready, Path log, long deadline) throws IOException {
    while (!Files.exists(ready)) {
      if (!process.isAlive()) {
        throw new RuntimeStartException("the elizaOS runtime exited with code " + process.exitValue()
            + " while starting; see " + log);
      }
      if (System.nanoTime() - deadline > 0) {
        throw new RuntimeStartException("the elizaOS runtime did not listen within the start timeout"
            + " (runtime.startTimeout); see " + log);
      }
      sleep(POLL);
    }
    try {
      return Integer.parseInt(Files.readString(ready).trim());
    } catch (NumberFormatException e) {
      throw new RuntimeStartException("the elizaOS runtime reported no port; see " + log, e);
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
        .setHost(baseUrl.getHost())
        .setPort(baseUrl.getPort())
        .setURI("/api/server/ping")
        .setIdleTimeout(PROBE_TIMEOUT.toMillis())
        .putHeader(HeaderMutator.RUNTIME_KEY_HEADER, apiKey.revealUtf8());
    client.request(ping)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode()))
        .onComplete(result -> {
          int status = result.succeeded() ? result.result() : -1;
          if (status == 200) {
            healthy.complete();
          } else if (!process.isAlive() || System.nanoTime() - deadline > 0) {
            healthy.fail(new RuntimeStartException("the elizaOS runtime did not become healthy (last status " + status
                + (process.isAlive() ? "" : ", process exited") + "); see " + log));
          } else {
            vertx.setTimer(POLL.toMillis(), id -> probe(client, deadline, healthy));
          }
        });
  }

  /** {@code http://127.0.0.1:<port>}; the runtime listens on loopback only. */
  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * The runtime's API key, for the gateway to inject as {@code X-API-KEY}
   * ({@code upstream.apiKey}). Valid for this start only.
   */
  public SecretValue apiKey() {
    return apiKey;
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
  public Future<Void> stop() {
    stopping = true;
    return blocking(vertx).executeBlocking(() -> {
      destroyTree(process);
      LOG.info("{}@{} stopped (pid {})", PACKAGE, VERSION, process.pid());
      return null;
    }, false);
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
   * on a small pool of their own with a matching limit.
   */
  private static WorkerExecutor blocking(Vertx vertx) {
    return vertx.createSharedWorkerExecutor(WORKER_POOL, 2, BLOCKING_LIMIT.toMinutes(), TimeUnit.MINUTES);
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
    return "ManagedRuntime[" + PACKAGE + "@" + VERSION + " at " + baseUrl + ", pid " + process.pid() + "]";
  }
}
