package dev.gatehouse.gateway.server;

import dev.gatehouse.auditdetector.alert.AlertStore;
import dev.gatehouse.auditdetector.checkpoint.CheckpointStore;
import dev.gatehouse.auditdetector.detect.EngineOptions;
import dev.gatehouse.auditdetector.live.LiveDetector;
import dev.gatehouse.auditdetector.query.AuditQuery;
import dev.gatehouse.auditdetector.rules.RuleDefinition;
import dev.gatehouse.auditdetector.rules.RuleFormatException;
import dev.gatehouse.auditdetector.rules.RuleLoader;
import dev.gatehouse.auditdetector.store.AuditSchema;
import dev.gatehouse.auditdetector.verify.ChainVerifier;
import dev.gatehouse.auditdetector.retention.RetentionJob;
import dev.gatehouse.auditdetector.writer.AuditSink;
import dev.gatehouse.auditdetector.writer.AuditWriter;
import dev.gatehouse.auditdetector.writer.AuditWriterOptions;
import dev.gatehouse.gateway.accesslog.AccessLog;
import dev.gatehouse.gateway.admin.AdminApi;
import dev.gatehouse.gateway.admin.AdminAuthenticator;
import dev.gatehouse.gateway.admin.AlertRoutes;
import dev.gatehouse.gateway.admin.AuditRoutes;
import dev.gatehouse.gateway.admin.BlockRoutes;
import dev.gatehouse.gateway.admin.EgressRoutes;
import dev.gatehouse.gateway.admin.BootstrapToken;
import dev.gatehouse.gateway.admin.IssuerRoutes;
import dev.gatehouse.gateway.admin.KeyRoutes;
import dev.gatehouse.gateway.admin.MetricsRoutes;
import dev.gatehouse.gateway.admin.PlacementRoutes;
import dev.gatehouse.gateway.admin.OpenApiRoutes;
import dev.gatehouse.gateway.admin.ReloadRoutes;
import dev.gatehouse.gateway.admin.RuleRoutes;
import dev.gatehouse.gateway.admin.TokenRoutes;
import dev.gatehouse.gateway.admin.WorkspaceRoutes;
import dev.gatehouse.gateway.audit.CheckpointSigning;
import dev.gatehouse.gateway.console.Console;
import dev.gatehouse.gateway.console.ConsoleSources;
import dev.gatehouse.gateway.audit.DecisionAudit;
import dev.gatehouse.gateway.authn.BearerAuthenticator;
import dev.gatehouse.gateway.block.AddressBlocks;
import dev.gatehouse.gateway.authn.IssuerRegistry;
import dev.gatehouse.gateway.authn.TokenVerifier;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.ListenAddress;
import dev.gatehouse.gateway.crypto.SignatureProvider;
import dev.gatehouse.gateway.crypto.SignatureProviders;
import dev.gatehouse.gateway.egress.CharacterEgress;
import dev.gatehouse.gateway.egress.Egress;
import dev.gatehouse.gateway.health.HealthChecks;
import dev.gatehouse.gateway.isolation.IsolationStage;
import dev.gatehouse.gateway.isolation.ProviderSecretSwap;
import dev.gatehouse.gateway.keys.JwksHandler;
import dev.gatehouse.gateway.keys.SigningKeys;
import dev.gatehouse.gateway.limit.BodyLimit;
import dev.gatehouse.gateway.limit.Limits;
import dev.gatehouse.gateway.limit.RateLimiter;
import dev.gatehouse.gateway.metrics.DetectorLag;
import dev.gatehouse.gateway.metrics.GatewayMetrics;
import dev.gatehouse.gateway.mutate.HeaderMutator;
import dev.gatehouse.gateway.ownership.OwnershipRegistry;
import dev.gatehouse.gateway.pipeline.RequestPipeline;
import dev.gatehouse.gateway.policy.RoutePolicy;
import dev.gatehouse.gateway.proxy.RuntimeAgents;
import dev.gatehouse.gateway.reload.LiveSettings;
import dev.gatehouse.gateway.reload.NodeReload;
import dev.gatehouse.gateway.rules.LiveRules;
import dev.gatehouse.gateway.rules.RuleSettingsStore;
import dev.gatehouse.gateway.proxy.UpstreamProxy;
import dev.gatehouse.gateway.runtime.ManagedRuntime;
import dev.gatehouse.gateway.runtime.WorkspaceRuntimes;
import dev.gatehouse.gateway.tier.DedicatedRuntimes;
import dev.gatehouse.gateway.tier.FixedRuntime;
import dev.gatehouse.gateway.tier.RemotePlacements;
import dev.gatehouse.gateway.tier.RuntimeTarget;
import dev.gatehouse.gateway.tier.RuntimeTier;
import dev.gatehouse.gateway.session.BrowserSessions;
import dev.gatehouse.gateway.webclient.WebClient;
import dev.gatehouse.gateway.session.OriginCheck;
import dev.gatehouse.gateway.session.SessionEndpoints;
import dev.gatehouse.gateway.session.Sessions;
import dev.gatehouse.gateway.socketio.RegistryChannelAccess;
import dev.gatehouse.gateway.socketio.SocketIoEndpoint;
import dev.gatehouse.gateway.respond.AlertResponder;
import dev.gatehouse.gateway.respond.Webhook;
import dev.gatehouse.gateway.store.ChangeFeed;
import dev.gatehouse.gateway.store.Database;
import dev.gatehouse.gateway.store.MigrationSet;
import dev.gatehouse.gateway.tls.CertificateWatcher;
import dev.gatehouse.gateway.tls.ListenerTls;
import dev.gatehouse.gateway.token.ExternalRevocationStore;
import dev.gatehouse.gateway.token.RevocationState;
import dev.gatehouse.gateway.token.TokenMinter;
import dev.gatehouse.gateway.token.TokenRevoker;
import dev.gatehouse.gateway.token.TokenStore;
import dev.gatehouse.gateway.tracing.Tracing;
import dev.gatehouse.gateway.workspace.WorkspaceStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Gatehouse node: the main listener (health checks, then the request pipeline and
 * the proxy), the admin listener, the database, the signing keys, the revocation state, the
 * ownership registry and the audit writer. {@link #start} fails with a {@link ConfigException} for operator mistakes (bad
 * data directory, policy file or key provider, busy port) and with any other exception for
 * broken dependencies; whatever was started before the failure is stopped.
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  /** Under the data directory: one data directory per workspace's runtime. */
  public static final String RUNTIMES_DIR = "runtimes";
  /** Under the data directory: the shared managed runtime's data. */
  public static final String SHARED_RUNTIME_DIR = "runtime";
  public static final MigrationSet AUDIT_MIGRATIONS =
      new MigrationSet("audit", AuditSchema.MIGRATION_LOCATION, AuditSchema.HISTORY_TABLE);

  private final GatewayConfig config;
  private final Vertx vertx;
  private final DataDirectory dataDir;
  private final UnaryOperator<AuditSink> decisions;
  private final Supplier<GatewayConfig> reloadSource;
  /** The route policy in force; a reload replaces it. */
  private final AtomicReference<RoutePolicy> policy = new AtomicReference<>();
  /** The rate budgets in force; a reload retunes them. */
  private final RequestPipeline.Limiters limiters;
  private final Clock clock = Clock.systemUTC();
  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final GatewayMetrics gatewayMetrics = new GatewayMetrics(metrics);
  private Tracing tracing = Tracing.off();
  private Database database;
  private KeyProviderHandle keyProvider;
  private SignatureProvider signatureProvider;
  private ChangeFeed feed;
  private RevocationState revocations;
  private AddressBlocks blocks;
  private SigningKeys signingKeys;
  private IssuerRegistry issuers;
  private AuditWriter auditWriter;
  private AlertStore alertStore;
  private LiveDetector detector;
  private AlertResponder responder;
  private NodeReload reloader;
  private LiveRules liveRules;
  private Router adminRouter;
  private Optional<Webhook> webhook = Optional.empty();
  private long retentionTimer = -1;
  private UpstreamProxy proxy;
  private RuntimeTier runtimes;
  private DedicatedRuntimes dedicated;
  private RemotePlacements placements;
  private OwnershipRegistry ownership;
  private SocketIoEndpoint socketIo;
  private MainListener main;
  private HttpServer admin;
  private Egress egress;
  /** The web client of the managed runtime install, when the gateway installed one. */
  private Optional<Path> installedClient = Optional.empty();
  private Optional<ListenerTls> mainTls = Optional.empty();
  private Optional<ListenerTls> adminTls = Optional.empty();
  private final List<CertificateWatcher> certificateWatchers = new ArrayList<>();

  private Gateway(GatewayConfig config, Vertx vertx, DataDirectory dataDir, UnaryOperator<AuditSink> decisions,
      Supplier<GatewayConfig> reloadSource) {
    this.config = config;
    this.reloadSource = reloadSource;
    this.limiters = new RequestPipeline.Limiters(
        new RateLimiter(config.limits().perAddress()),
        new RateLimiter(config.limits().failedAuthentication()),
        new RateLimiter(config.limits().perToken()),
        new RateLimiter(config.limits().perWorkspace()));
    this.vertx = vertx;
    this.decisions = decisions;
    this.dataDir = dataDir;
  }

  /**
   * Starts a node on the caller's Vert.x instance. The caller owns it and closes it after
   * {@link #stop()} completes (closing Vert.x from inside its own callbacks would strand them).
   */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
    return start(vertx, config, UnaryOperator.identity());
  }

  /**
   * As {@link #start(Vertx, GatewayConfig)}; a {@linkplain #reload() reload} reads the
   * configuration from {@code reloadSource} (which throws {@link ConfigException} when it is
   * invalid). Without one, a reload reads the files that {@code config} names again.
   */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, Supplier<GatewayConfig> reloadSource) {
    return start(vertx, config, UnaryOperator.identity(), reloadSource);
  }

  /**
   * As {@link #start(Vertx, GatewayConfig)}, with {@code decisions} applied to the audit writer
   * where the main listener records its decisions (HTTP and Socket.IO); the admin plane and the
   * detector's responses always record into the writer itself. A benchmark uses it to measure what
   * the audit trail costs a request; any other use must keep every event ({@link AuditSink}).
   */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, UnaryOperator<AuditSink> decisions) {
    return start(vertx, config, decisions, () -> config);
  }

  private static Future<Gateway> start(Vertx vertx, GatewayConfig config, UnaryOperator<AuditSink> decisions,
      Supplier<GatewayConfig> reloadSource) {
    DataDirectory dataDir;
    LiveSettings live;
    try {
      dataDir = DataDirectory.acquire(config.dataDir());
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    try {
      live = LiveSettings.load(config);
    } catch (ConfigException e) {
      closeQuietly(dataDir);
      return Future.failedFuture(e);
    }
    Gateway gateway = new Gateway(config, vertx, dataDir, decisions, reloadSource);
    try {
      gateway.mainTls = ListenerTls.load(vertx, "server.tls", config.server().tls());
      gateway.adminTls = ListenerTls.load(vertx, "admin.tls", config.admin().tls());
    } catch (ConfigException e) {
      closeQuietly(dataDir);
      return Future.failedFuture(e);
    }
    return gateway.startComponents(live)
        .map(gateway)
        .recover(failure -> gateway.stop().transform(ignored -> Future.failedFuture(failure)));
  }

  /**
   * Fails with a {@link ConfigException} naming {@code dataDir} when another Gatehouse process
   * holds the data directory or it cannot be created. {@code serve} checks before it starts a
   * managed runtime, so that a second {@code serve} on a busy directory starts nothing;
   * {@link #start} still takes the lock itself and keeps it.
   */
  public static void checkDataDirectory(Path dir) {
    try {
      DataDirectory.acquire(dir).close();
    } catch (IOException e) {
      throw new ConfigException("dataDir", "cannot be created or locked");
    }
  }

  /**
   * The shipped rules plus those of {@code detector.rulesDirectory}; empty when the detector is off.
   *
   * @throws ConfigException if a rule file is unreadable or invalid
   */
  public static List<RuleDefinition> detectionRules(GatewayConfig config) {
    if (!config.detector().enabled()) {
      return List.of();
    }
    RuleLoader loader = new RuleLoader();
    List<List<RuleDefinition>> sets = new ArrayList<>(List.of(loader.loadShipped()));
    try {
      if (config.detector().rulesDirectory().isPresent()) {
        sets.add(loader.loadDirectory(config.detector().rulesDirectory().get()));
      }
      return RuleLoader.combine(sets);
    } catch (RuleFormatException e) {
      throw new ConfigException("detector.rulesDirectory", e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      throw new ConfigException("detector.rulesDirectory", "cannot be read");
    }
  }

  private Future<Void> startComponents(LiveSettings live) {
    policy.set(live.policy());
    return Database.open(vertx, config.database(), dataDir.path(), List.of(MigrationSet.GATEWAY, AUDIT_MIGRATIONS))
        .compose(db -> {
          database = db;
          return BootstrapToken.ensure(vertx, db.pool(), dataDir.path());
        })
        .compose(v -> vertx.executeBlocking(() -> SignatureProviders.select(config.tokens().cryptoProvider()), false))
        .compose(selected -> {
          signatureProvider = selected;
          return KeyProviderHandle.open(vertx, config.secrets());
        })
        .compose(provider -> {
          keyProvider = provider;
          feed = new ChangeFeed(vertx, database.connectOptions());
          proxy = new UpstreamProxy(vertx, config.upstream(), new BodyLimit(config.server().maxBodySize()));
          ownership = new OwnershipRegistry(database.pool(), feed);
          revocations = new RevocationState(vertx, database.pool(), feed, clock);
          blocks = new AddressBlocks(database.pool(), feed, clock);
          signingKeys = new SigningKeys(vertx, database.pool(), provider.blobSealer(), feed, signatureProvider);
          egress = new Egress(vertx, database.pool(), provider.blobSealer(), feed, config.egress());
          issuers = new IssuerRegistry(vertx, database.pool(), feed, IssuerRegistry.DEFAULT_MIN_REFETCH,
              config.tokens().jwksCacheDuration(), clock);
          // Listen before loading, so no change between the load and the subscription is missed.
          return feed.start()
              .compose(x -> revocations.start())
              .compose(x -> blocks.start())
              .compose(x -> signingKeys.start(config.tokens().signingAlgorithm()))
              .compose(x -> issuers.start());
        })
        .compose(v -> AuditWriter.start(vertx, database.pool(),
            AuditWriterOptions.builder(config.server().nodeId(), dataDir.path().resolve("audit-spool"))
                .spoolMaxBytes(config.audit().spoolMaxBytes()).build(),
            new CheckpointSigning(signingKeys), metrics))
        .compose(writer -> {
          auditWriter = writer;
          return scheduleRetention();
        })
        .compose(v -> startDetector(live.rules()))
        .compose(v -> openRuntimes())
        .compose(v -> {
          TokenVerifier verifier = new TokenVerifier(config.tokens().settings(), signingKeys, issuers, revocations, clock);
          reloader = new NodeReload(vertx, reloadSource, policy, limiters, liveRules);
          return listenMain(verifier).compose(x -> listenAdmin(verifier))
              .compose(x -> egress.listen(new DecisionAudit(decisions.apply(auditWriter)))
                  .recover(failure -> Future.failedFuture(bindFailure("egress.listen", config.egress().listen(), failure))));
        })
        .map(v -> {
          LOG.info("gatehouse ready: main={} admin={} runtime={} node={}", address(main.port(), config.server().listen()),
              address(admin.actualPort(), config.admin().listen()), runtimes.describe(), config.server().nodeId());
          return null;
        });
  }

  /**
   * The runtime tier: the workspaces an operator placed on remote runtimes; for every other one,
   * the configured upstream or, with {@code runtime.managed eliza}, the install (on first start)
   * and then one runtime per workspace, started on demand, or one shared runtime, started now.
   */
  private Future<Void> openRuntimes() {
    return openLocalRuntimes().compose(local -> {
      placements = new RemotePlacements(vertx, database.pool(), keyProvider.blobSealer(), feed, local);
      runtimes = placements;
      return placements.start();
    });
  }

  private Future<RuntimeTier> openLocalRuntimes() {
    GatewayConfig.RuntimeSettings settings = config.runtime();
    if (!settings.managedEliza()) {
      return Future.succeededFuture(new FixedRuntime(new RuntimeTarget(config.upstream().url(), config.upstream().apiKey())));
    }
    return ManagedRuntime.install(vertx, settings.cacheDir(), settings.packages().orElseThrow()).compose(installDir -> {
      installedClient = Optional.of(installDir.resolve(WebClient.CLIENT_IN_INSTALL));
      if (settings.dedicated()) {
        WorkspaceRuntimes launcher = new WorkspaceRuntimes(vertx, dataDir.path().resolve(RUNTIMES_DIR),
            workspace -> runtimeOptions(installDir, dataDir.path().resolve(RUNTIMES_DIR).resolve(workspace), workspace));
        dedicated = new DedicatedRuntimes(vertx, launcher, new DedicatedRuntimes.Options(settings.maxRunning(),
            settings.idleTimeout(), settings.startWait()), revocations::isLocked);
        return Future.succeededFuture(dedicated);
      }
      return ManagedRuntime.start(vertx, runtimeOptions(installDir, dataDir.path().resolve(SHARED_RUNTIME_DIR),
              ManagedRuntime.SHARED_TAG))
          .map(shared -> new FixedRuntime(shared.target(), shared::stop));
    });
  }

  private ManagedRuntime.Options runtimeOptions(Path installDir, Path runtimeData, String tag) {
    GatewayConfig.RuntimeSettings settings = config.runtime();
    // With egress on, no runtime inherits a provider key: its agents get egress credentials instead.
    return new ManagedRuntime.Options(installDir, runtimeData, settings.startTimeout(), settings.heapLimitMiB(), tag,
        config.egress().enabled() ? CharacterEgress.withoutProviderSettings(settings.environment()) : settings.environment());
  }

  private Future<Void> scheduleRetention() {
    RetentionJob job = new RetentionJob(database.pool(), config.audit().retentionDays(), clock);
    retentionTimer = vertx.setPeriodic(RetentionJob.RECOMMENDED_PERIOD.toMillis(), id -> job.run()
        .onFailure(e -> LOG.warn("audit retention run failed: kind={}", e.getClass().getSimpleName())));
    return job.run().mapEmpty();
  }

  /**
   * Starts the detector with {@code catalogue} as the operators' rule settings leave it, and keeps
   * it current as they change ({@link LiveRules}).
   */
  private Future<Void> startDetector(List<RuleDefinition> catalogue) {
    RuleSettingsStore ruleSettings = new RuleSettingsStore(database.pool());
    return ruleSettings.all().compose(settings -> {
      Future<Void> started = config.detector().enabled()
          ? startEngine(LiveRules.effective(catalogue, settings)) : Future.succeededFuture();
      return started.compose(v -> {
        liveRules = new LiveRules(ruleSettings, feed, catalogue, settings, Optional.ofNullable(detector),
            Optional.ofNullable(responder));
        // A change committed between the first read and the subscription above is read here.
        return liveRules.refresh();
      });
    });
  }

  /**
   * The detector evaluates this node's audit events as the writer makes them durable (after
   * catching up from its stored read position) and runs the rules' responses.
   */
  private Future<Void> startEngine(List<RuleDefinition> rules) {
    alertStore = new AlertStore(database.pool());
    webhook = config.detector().webhookUrl().map(url -> new Webhook(vertx, url, config.detector().webhookTimeout()));
    responder = new AlertResponder(rules, alertStore, new AlertResponder.Actions(
        tokenRevoker(new TokenStore(database.pool())), new WorkspaceStore(database.pool()),
        revocations, blocks, webhook), new DecisionAudit(auditWriter), clock);
    detector = LiveDetector.inProcess(vertx, database.pool(), rules,
        EngineOptions.defaults().withAllowedLateness(config.detector().allowedLateness()), responder,
        config.server().nodeId(), auditWriter::settled);
    auditWriter.onDurable(detector::accept);
    DetectorLag lag = new DetectorLag(config.server().nodeId(), detector);
    auditWriter.onDurable(lag);
    gatewayMetrics.detectorLag(lag::events);
    return detector.start();
  }

  private Future<Void> listenMain(TokenVerifier verifier) {
    DecisionAudit audit = new DecisionAudit(decisions.apply(auditWriter));
    socketIo = new SocketIoEndpoint(vertx, config.upstream(), runtimes, config.socketIo(), verifier, audit,
        new RegistryChannelAccess(ownership),
        limiters.failedAuthentication(), limiters.perToken(), clock);
    tracing = Tracing.start(config.tracing(), config.server().nodeId());
    RequestPipeline pipeline = new RequestPipeline(
        new HealthChecks(vertx, database, revocations::current, audit::admitting, runtimes.sharedRuntime()),
        audit,
        config.server().trustedProxies(),
        blocks,
        limiters,
        new BodyLimit(config.server().maxBodySize()),
        new BearerAuthenticator(verifier),
        policy::get,
        new IsolationStage(vertx, ownership, keyProvider.characterSealer(), config.server().maxBodySize(),
            config.runtime().plugins(), new RuntimeAgents(runtimes, proxy)::has,
            egress.enabled() ? new CharacterEgress(egress.credentials(), egress::agentBaseUrl) : ProviderSecretSwap.NONE),
        new HeaderMutator(),
        proxy,
        runtimes,
        socketIo,
        browserSessions(verifier),
        gatewayMetrics,
        tracing);
    gatewayMetrics.socketsOpen(socketIo::openSockets);
    gatewayMetrics.runtimesRunning(() -> dedicated == null ? 0 : dedicated.running());
    JwksHandler jwks = new JwksHandler(signingKeys);
    Handler<HttpServerRequest> handler = request -> {
      if (JwksHandler.PATH.equals(request.path())) {
        AccessLog.around("main", jwks).handle(request);
      } else {
        pipeline.handle(request);
      }
    };
    ListenAddress address = config.server().listen();
    // The Socket.IO endpoint enforces its own message cap; the parser must let such messages through
    // to it. No WebSocket compression: a small compressed frame could inflate past every cap.
    HttpServerOptions options = serverOptions(address, mainTls)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setMaxWebSocketFrameSize(Math.max(HttpServerOptions.DEFAULT_MAX_WEBSOCKET_FRAME_SIZE,
            config.socketIo().maxMessageBytes()))
        .setMaxWebSocketMessageSize(Math.max(HttpServerOptions.DEFAULT_MAX_WEBSOCKET_MESSAGE_SIZE,
            config.socketIo().maxMessageBytes()));
    return MainListener.start(vertx, options, handler, pipeline::handleInvalid,
            config.server().eventLoops())
        .recover(failure -> Future.failedFuture(bindFailure("server.listen", address, failure)))
        .map(listener -> {
          main = listener;
          mainTls.ifPresent(tls -> certificateWatchers.add(tls.watch("main", listener::updateSSLOptions)));
          return null;
        });
  }

  private BrowserSessions browserSessions(TokenVerifier verifier) {
    Sessions sessions = new Sessions(database.pool(), feed, config.sessions(), verifier, clock);
    OriginCheck origins = new OriginCheck(config.sessions().publicOrigin());
    Optional<Path> clientDir = config.webClient().enabled()
        ? config.webClient().dir().or(() -> installedClient) : Optional.empty();
    Optional<WebClient> client = clientDir.map(WebClient::open);
    client.ifPresent(c -> LOG.info("serving the web client: {}", c));
    SessionEndpoints endpoints = config.sessions().oidc().isPresent()
        ? SessionEndpoints.withOidc(vertx, verifier, sessions, origins, config.sessions(), issuers, database.pool(), clock)
        : new SessionEndpoints(verifier, sessions, origins);
    return new BrowserSessions(sessions, endpoints, origins, client);
  }

  private TokenRevoker tokenRevoker(TokenStore tokens) {
    return new TokenRevoker(tokens, new ExternalRevocationStore(database.pool(), config.tokens().settings(), clock),
        revocations);
  }

  private Future<Void> listenAdmin(TokenVerifier verifier) {
    WorkspaceStore workspaces = new WorkspaceStore(database.pool());
    TokenStore tokens = new TokenStore(database.pool());
    AdminApi api = new AdminApi(database, config.server().nodeId(), runtimes.describe(), signatureProvider.description());
    var router = api.router(vertx, new DecisionAudit(auditWriter), new AdminAuthenticator(database.pool(), verifier), List.of(
        new WorkspaceRoutes(workspaces, revocations, runtimes),
        new PlacementRoutes(workspaces, placements),
        new TokenRoutes(new TokenMinter(config.tokens().settings(), signingKeys, tokens, workspaces, clock),
            tokens, tokenRevoker(tokens), issuers),
        new KeyRoutes(signingKeys, config.tokens().signingAlgorithm()),
        new IssuerRoutes(issuers),
        new MetricsRoutes(metrics),
        new AuditRoutes(new AuditQuery(database.pool()), new ChainVerifier(database.pool(), new CheckpointSigning(signingKeys))),
        new AlertRoutes(new AlertStore(database.pool()), clock),
        new BlockRoutes(blocks),
        new ReloadRoutes(reloader),
        new RuleRoutes(liveRules, new RuleSettingsStore(database.pool())),
        new EgressRoutes(egress),
        new OpenApiRoutes(),
        console(verifier)));
    adminRouter = router;
    return listen("admin.listen", config.admin().listen(), adminTls, AccessLog.around("admin", router),
        HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER).map(server -> {
      admin = server;
      adminTls.ifPresent(tls -> certificateWatchers.add(tls.watch("admin", server::updateSSLOptions)));
      return null;
    });
  }

  /** The security console on the admin listener, over the admin API's stores. */
  private Console console(TokenVerifier verifier) {
    return new Console(vertx, verifier, new Sessions(database.pool(), feed, config.sessions(), verifier, clock),
        new ConsoleSources(new AlertStore(database.pool()), new AuditQuery(database.pool()),
            new ChainVerifier(database.pool(), new CheckpointSigning(signingKeys)), new CheckpointStore(database.pool()),
            liveRules, new RuleSettingsStore(database.pool()), clock));
  }

  private Future<HttpServer> listen(String key, ListenAddress address, Optional<ListenerTls> tls,
      Handler<HttpServerRequest> handler, Handler<HttpServerRequest> invalidRequests) {
    return vertx.createHttpServer(serverOptions(address, tls))
        .requestHandler(handler)
        .invalidRequestHandler(invalidRequests)
        .listen()
        .recover(failure -> Future.failedFuture(bindFailure(key, address, failure)));
  }

  private static HttpServerOptions serverOptions(ListenAddress address, Optional<ListenerTls> tls) {
    // No cleartext HTTP/2 upgrade (h2c): it lets a client smuggle requests past a front proxy.
    HttpServerOptions options = new HttpServerOptions()
        .setHost(address.host())
        .setPort(address.port())
        .setHttp2ClearTextEnabled(false)
        .setMaxInitialLineLength(Limits.MAX_REQUEST_LINE_LENGTH)
        .setMaxHeaderSize(Limits.MAX_HEADER_SIZE);
    return tls.map(t -> t.secure(options)).orElse(options);
  }

  private static ConfigException bindFailure(String key, ListenAddress address, Throwable failure) {
    return new ConfigException(key, "cannot listen on " + address + ": "
        + (failure instanceof BindException ? "address already in use or not available" : "bind failed"));
  }

  private static String address(int port, ListenAddress configured) {
    return new ListenAddress(configured.host(), port).toString();
  }

  public int port() {
    return main.port();
  }

  public int adminPort() {
    return admin.actualPort();
  }

  public GatewayConfig config() {
    return config;
  }

  /** This node's egress: credentials, provider keys, budgets, and the listener's port when {@code egress.enabled}. */
  public Egress egress() {
    return egress;
  }

  /** Reloads the route policy, the detection rules and the rate budgets ({@link NodeReload}). */
  public Future<NodeReload.Outcome> reload() {
    return reloader.reload();
  }

  /** Where this node's exchanges go: the upstream, or the runtimes it runs. */
  public RuntimeTier runtimes() {
    return runtimes;
  }

  /** The per-workspace runtimes, when {@code runtime.isolation} is dedicated. */
  public Optional<DedicatedRuntimes> dedicatedRuntimes() {
    return Optional.ofNullable(dedicated);
  }

  /** This node's ownership registry (the Socket.IO stage checks channels and agents with it). */
  public OwnershipRegistry ownership() {
    return ownership;
  }

  /** The admin plane's router once started: its mounted routes are the admin API (see admin-api.yaml). */
  public Router adminRouter() {
    return adminRouter;
  }

  /** The running detector, when {@code detector.enabled}. */
  public Optional<LiveDetector> detector() {
    return Optional.ofNullable(detector);
  }

  /**
   * Graceful stop: both listeners stop accepting and in-flight requests get up to
   * {@code server.drainTimeout} to finish; then the audit writer flushes, the detector evaluates
   * what it still holds and stores its read position, and the upstream
   * client, change feed, database (the embedded server included) and key provider are closed,
   * and the data directory is unlocked.
   */
  public Future<Void> stop() {
    long drainMs = config.server().drainTimeout().toMillis();
    Future<Void> mainDown = main == null ? Future.succeededFuture() : main.shutdown(drainMs);
    Future<Void> adminDown = admin == null ? Future.succeededFuture() : admin.shutdown(drainMs, TimeUnit.MILLISECONDS);
    if (retentionTimer != -1) {
      vertx.cancelTimer(retentionTimer);
    }
    certificateWatchers.forEach(CertificateWatcher::stop);
    if (revocations != null) {
      revocations.stop();
    }
    Future<Void> egressDown = egress == null ? Future.succeededFuture() : egress.close();
    return Future.join(mainDown, adminDown, egressDown)
        .transform(ignored -> auditWriter == null ? Future.succeededFuture() : auditWriter.close())
        .transform(ignored -> detector == null ? Future.succeededFuture() : detector.stop())
        .transform(ignored -> webhook.isEmpty() ? Future.succeededFuture() : webhook.get().close())
        .transform(ignored -> tracing.close())
        .transform(ignored -> proxy == null ? Future.succeededFuture() : proxy.close())
        .transform(ignored -> socketIo == null ? Future.succeededFuture() : socketIo.close())
        .transform(ignored -> runtimes == null ? Future.succeededFuture() : runtimes.close())
        .transform(ignored -> issuers == null ? Future.succeededFuture() : issuers.close())
        .transform(ignored -> feed == null ? Future.succeededFuture() : feed.close())
        .transform(ignored -> database == null ? Future.succeededFuture() : database.close())
        .transform(ignored -> keyProvider == null ? Future.succeededFuture() : keyProvider.close(vertx))
        .transform(closed -> {
          gatewayMetrics.close();
          closeQuietly(dataDir);
          return closed.succeeded() ? Future.succeededFuture() : Future.failedFuture(closed.cause());
        });
  }

  private static void closeQuietly(DataDirectory dataDir) {
    try {
      dataDir.close();
    } catch (IOException e) {
      LOG.warn("could not unlock the data directory", e);
    }
  }
}
