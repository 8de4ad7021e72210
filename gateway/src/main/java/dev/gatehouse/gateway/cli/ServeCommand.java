package dev.gatehouse.gateway.cli;

import dev.gatehouse.gateway.Main;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.Setting;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.store.RootRefusal;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code gatehouse serve}: runs a node until SIGINT (ctrl-C) or SIGTERM, then stops gracefully
 * and exits 0.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
        "Run the gateway in front of a runtime. With no database configured, an embedded PostgreSQL "
            + "is started under <data-dir>/pg and reused on the next start.",
        "SIGHUP (or POST /admin/v1/reload) reloads the route policy, the detection rules and limits.* "
            + "from the configuration: all are validated first, and a bad file keeps the running ones "
            + "(the log says which file and line). Other settings take effect at the next start.",
        "On first start the bootstrap admin token is written to <data-dir>/admin-token (mode 0600); "
            + "it is never printed or logged. Stop with ctrl-C or SIGTERM: in-flight requests drain, "
            + "then the process exits 0."},
    footer = {
        "",
        "Settings come from gatehouse.yaml (or --config), then GATEHOUSE_* environment variables,",
        "then these flags; later sources win. Keys: dataDir, server.* (listen, drainTimeout, nodeId,",
        "trustedProxies, eventLoops, maxBodySize), admin.listen, upstream.* (url, connectTimeout,",
        "responseTimeout, apiKey, clientIdentity), database.* (url, user, password, poolSize), policy.file,",
        "audit.retentionDays, tokens.*, secrets.*, runtime.*, limits.*, socketio.*, detector.*",
        "(schema: gateway/src/main/resources/schema/gatehouse-config.schema.json).",
        "Environment names are GATEHOUSE_ plus the key in upper snake case, e.g. GATEHOUSE_UPSTREAM_URL.",
        "Durations: a whole number and a unit (ms, s, m, h, d), e.g. 250ms, 90s, 15m, 1h, 7d, or ISO-8601 (PT15M).",
        "",
        "Examples:",
        "  gatehouse serve",
        "  gatehouse serve --upstream http://127.0.0.1:3000 --listen 0.0.0.0:8080",
        "  OPENAI_API_KEY=... gatehouse serve --runtime eliza",
        "  OPENAI_BASE_URL=http://127.0.0.1:11434/v1 gatehouse serve --runtime eliza --isolation shared",
        "  GATEHOUSE_DATABASE_URL=postgresql://gh@db:5432/gatehouse gatehouse serve --config prod.yaml",
        "",
        "Exit codes: 0 stopped cleanly, 1 failed at runtime, 2 bad configuration (the message names the key)."})
public final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
  /** A node's start: the managed runtime's install (first start only) and start included. */
  private static final Duration START_LIMIT = Duration.ofMinutes(20);

  @Spec
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML configuration file (default: ./gatehouse.yaml when present).")
  Path config;

  @Option(names = "--upstream", paramLabel = "URL",
      description = "The runtime to front (default: http://127.0.0.1:3000).")
  String upstream;

  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "Main listener (default: 127.0.0.1:8080).")
  String listen;

  @Option(names = "--admin-listen", paramLabel = "HOST:PORT",
      description = "Admin listener (default: 127.0.0.1:8081; keep it off public interfaces).")
  String adminListen;

  @Option(names = "--runtime", paramLabel = "KIND",
      description = "Run and front managed runtimes: eliza installs @elizaos/server 1.7.2 and the allowed plugins "
          + "with npm (once, into runtime.cacheDir) and runs them on 127.0.0.1 with generated API keys, one per "
          + "workspace. Needs Node.js 20+.")
  String runtime;

  @Option(names = "--isolation", paramLabel = "MODE",
      description = "With --runtime eliza: dedicated (default) runs one runtime per workspace, started on its first "
          + "request and stopped when idle; shared runs one runtime for every workspace.")
  String isolation;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "State directory: admin token, embedded PostgreSQL (default: ./.gatehouse).")
  String dataDir;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    GatewayConfig cfg;
    try {
      cfg = new ConfigLoader().load(Optional.ofNullable(config), System.getenv(), flags());
    } catch (ConfigException e) {
      err.println("gatehouse: invalid configuration: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    Vertx vertx = Vertx.vertx();
    try {
      return serveGateway(vertx, cfg, err);
    } finally {
      await(vertx.close(), Duration.ofSeconds(30));
    }
  }

  private int serveGateway(Vertx vertx, GatewayConfig cfg, PrintWriter err) {
    Gateway gateway;
    try {
      gateway = await(Gateway.start(vertx, cfg,
          () -> new ConfigLoader().load(Optional.ofNullable(config), System.getenv(), flags())), START_LIMIT);
    } catch (ConfigException e) {
      err.println("gatehouse: invalid configuration: " + e.getMessage());
      return Main.EXIT_USAGE;
    } catch (RuntimeException e) {
      if (cfg.database().embedded() && RootRefusal.explains(e, RootRefusal.currentUid())) {
        err.println("gatehouse: " + RootRefusal.MESSAGE);
        return Main.EXIT_USAGE;
      }
      LOG.error("gatehouse failed to start", e);
      err.println("gatehouse: failed to start: " + e.getClass().getSimpleName() + " (see the log above)");
      return Main.EXIT_FAILED;
    }
    err.printf("gatehouse %s: main %s://%s:%d -> %s, admin %s://%s:%d (token: %s)%n",
        "ready", cfg.server().tls().isPresent() ? "https" : "http", cfg.server().listen().host(), gateway.port(),
        gateway.runtimes().describe(), cfg.admin().tls().isPresent() ? "https" : "http",
        cfg.admin().listen().host(), gateway.adminPort(), cfg.dataDir().resolve("admin-token"));
    err.flush();
    Signal.handle(new Signal("HUP"), s -> gateway.reload());
    awaitStopSignal();
    LOG.info("stopping: draining in-flight requests for up to {}", cfg.server().drainTimeout());
    try {
      await(gateway.stop(), cfg.server().drainTimeout().plusSeconds(30));
      LOG.info("stopped");
      return 0;
    } catch (RuntimeException e) {
      LOG.error("unclean stop", e);
      return Main.EXIT_FAILED;
    }
  }

  /** Waits for a Vert.x future from this (non-Vert.x) thread; its failure is rethrown unwrapped. */
  static <T> T await(Future<T> future, Duration limit) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out after " + limit, e);
    }
  }

  private List<Setting> flags() {
    List<Setting> flags = new ArrayList<>();
    add(flags, "dataDir", dataDir, "--data-dir");
    add(flags, "server.listen", listen, "--listen");
    add(flags, "admin.listen", adminListen, "--admin-listen");
    add(flags, "upstream.url", upstream, "--upstream");
    add(flags, "runtime.managed", runtime, "--runtime");
    add(flags, "runtime.isolation", isolation, "--isolation");
    return flags;
  }

  private static void add(List<Setting> flags, String key, String value, String flag) {
    if (value != null) {
      flags.add(new Setting(key, value, flag));
    }
  }

  /** Blocks until SIGINT or SIGTERM; the JVM's default "exit at once" is replaced by a drain. */
  static void awaitStopSignal() {
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
