package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.crypto.CryptoProviderChoice;
import dev.gatehouse.gateway.egress.PriceTable;
import dev.gatehouse.gateway.keys.SigningAlgorithm;
import dev.gatehouse.gateway.limit.RateBudget;
import dev.gatehouse.gateway.mutate.ClientIdentity;
import dev.gatehouse.gateway.mutate.TrustedProxies;
import dev.gatehouse.gateway.runtime.RuntimePackages;
import dev.gatehouse.gateway.socketio.SocketIoSettings;
import dev.gatehouse.gateway.tls.DatabaseTls;
import dev.gatehouse.gateway.tls.ListenerTlsFiles;
import dev.gatehouse.gateway.token.TokenSettings;
import dev.gatehouse.secrets.provider.Profile;
import dev.gatehouse.secrets.SecretValue;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

/**
 * The validated configuration of one Gatehouse node. Built only by {@link ConfigLoader}, which
 * applies the defaults below, so every field is non-null unless documented as optional.
 */
public record GatewayConfig(
    Path dataDir,
    Server server,
    Admin admin,
    Upstream upstream,
    Database database,
    Optional<Path> policyFile,
    Audit audit,
    Tokens tokens,
    Secrets secrets,
    Budgets limits,
    SocketIoSettings socketIo,
    RuntimeSettings runtime,
    Detector detector,
    Sessions sessions,
    WebClientSettings webClient,
    Tracing tracing,
    Egress egress) {

  public static final String DEFAULT_DATA_DIR = ".gatehouse";
  public static final String DEFAULT_LISTEN = "127.0.0.1:8080";
  public static final String DEFAULT_ADMIN_LISTEN = "127.0.0.1:8081";
  public static final String DEFAULT_UPSTREAM_URL = "http://127.0.0.1:3000";
  /** In-flight requests get this long to finish on shutdown before connections are closed. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Longest silence from the runtime (no response bytes) before the gateway answers 504. */
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_POOL_SIZE = 8;

  /**
   * The same configuration fronting another upstream: how {@code serve --runtime eliza} points
   * the gateway at the runtime it started.
   */
  public GatewayConfig withUpstream(Upstream other) {
    return new GatewayConfig(dataDir, server, admin, other, database, policyFile, audit, tokens, secrets,
        limits, socketIo, runtime, detector, sessions, webClient, tracing, egress);
  }

  /**
   * The egress listener ({@code dev.gatehouse.gateway.egress}): off unless {@code enabled}.
   *
   * @param openaiBaseUrl where OpenAI API calls go, its {@code /v1} path included
   * @param anthropicBaseUrl where Anthropic Messages API calls go, its {@code /v1} path included
   * @param defaultMaxTokens output tokens a call reserves when it names no limit
   * @param reservationTimeout how long an unsettled reservation counts against budgets
   * @param responseTimeout longest silence from a provider
   * @param maxRequestBytes largest request body
   * @param prices the price table
   */
  public record Egress(boolean enabled, ListenAddress listen, URI openaiBaseUrl, URI anthropicBaseUrl,
      int defaultMaxTokens, Duration reservationTimeout, Duration responseTimeout, int maxRequestBytes,
      PriceTable prices) {

    public static final String DEFAULT_LISTEN = "127.0.0.1:8082";
    public static final String DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
    public static final String DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com/v1";
    public static final int DEFAULT_MAX_TOKENS = 4096;
    public static final Duration DEFAULT_RESERVATION_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(120);
    public static final int DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;
  }

  /**
   * Request tracing ({@code dev.gatehouse.gateway.tracing}): off unless {@code enabled}; spans go
   * over OTLP/HTTP to {@code endpoint}; new traces are sampled with {@code sampleRatio} (0 to 1).
   */
  public record Tracing(boolean enabled, URI endpoint, double sampleRatio) {

    /** The OTLP/HTTP traces endpoint of a collector on the same host. */
    public static final URI DEFAULT_ENDPOINT = URI.create("http://127.0.0.1:4318/v1/traces");
    /** Every new trace is sampled. */
    public static final double DEFAULT_SAMPLE_RATIO = 1.0;
  }

  /**
   * The audit trail: events older than {@code retentionDays} are dropped with their daily
   * partition; while PostgreSQL is unreachable, events wait in the node's spool file, and once it
   * holds {@code spoolMaxBytes} the node refuses requests (503) rather than leave one unaudited.
   */
  public record Audit(int retentionDays, long spoolMaxBytes) {

    public static final int DEFAULT_RETENTION_DAYS = 90;
  }

  /**
   * The elizaOS web client the gateway serves to people in a browser
   * ({@code dev.gatehouse.gateway.webclient}). With {@code enabled} (the default), it is served
   * from {@code dir}, or without one from the managed runtime's install; an upstream the gateway
   * does not run needs {@code dir} for a client to be served.
   */
  public record WebClientSettings(boolean enabled, Optional<Path> dir) {}

  /**
   * Browser sessions ({@code dev.gatehouse.gateway.session}): a session ends after {@code idle}
   * without a request, and at {@code absolute} after sign-in (or its token's expiry, if sooner).
   * {@code publicOrigin} is the origin people's browsers use (say {@code https://agents.example.com});
   * a cookie-authenticated request that changes something must come from it. Without it, the
   * origin is the request's own {@code Host} over the listener's scheme.
   */
  public record Sessions(Duration idle, Duration absolute, Optional<URI> publicOrigin, Optional<Oidc> oidc) {

    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_ABSOLUTE = Duration.ofHours(12);

    public Sessions(Duration idle, Duration absolute, Optional<URI> publicOrigin) {
      this(idle, absolute, publicOrigin, Optional.empty());
    }
  }

  /**
   * Sign-in through an external OpenID provider (authorization code flow with PKCE and nonce).
   * {@code issuer} must also be registered as an external issuer: that registration's claims and
   * allowlists decide the person's workspaces and scopes.
   *
   * @param clientSecret empty for a public client (PKCE alone)
   * @param scopes what is asked of the provider; {@code openid} always among them
   * @param label what the sign-in button says
   */
  public record Oidc(URI issuer, String clientId, Optional<SecretValue> clientSecret, List<String> scopes,
      String label) {}

  /**
   * Runtimes the gateway starts and stops itself. {@code managed} is {@link #NONE} (front
   * {@code upstream.url}) or {@link #ELIZA} (install and run elizaOS, see
   * {@code dev.gatehouse.gateway.runtime.ManagedRuntime}), one per workspace ({@code isolation}
   * {@link #DEDICATED}) or one for all ({@link #SHARED}).
   *
   * @param cacheDir where installs live, shared by every gateway on the host
   * @param startTimeout longest start of one runtime (the first install not counted)
   * @param startWait longest a request waits for its workspace's runtime to start
   * @param idleTimeout a dedicated runtime without use for this long is stopped
   * @param maxRunning most dedicated runtimes at once
   * @param heapLimitMiB Node.js heap limit of each runtime
   * @param plugins the plugin allowlist: the npm package names a character may list
   * @param packages with a managed runtime: the runtime and its plugins, pinned by a lockfile
   * @param environment the gateway's variables named by {@code runtime.environment} that are
   *     set, copied to every runtime (its model provider's settings)
   */
  public record RuntimeSettings(String managed, String isolation, Path cacheDir, Duration startTimeout,
      Duration startWait, Duration idleTimeout, int maxRunning, int heapLimitMiB, Set<String> plugins,
      Optional<RuntimePackages> packages, Map<String, SecretValue> environment) {

    public static final String NONE = "none";
    public static final String ELIZA = "eliza";
    public static final String DEDICATED = "dedicated";
    public static final String SHARED = "shared";
    public static final Duration DEFAULT_START_WAIT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_RUNNING = 8;
    /** The model provider settings of the default plugin allowlist (@elizaos/plugin-openai). */
    public static final List<String> DEFAULT_ENVIRONMENT = List.of("OPENAI_API_KEY", "OPENAI_BASE_URL",
        "OPENAI_SMALL_MODEL", "OPENAI_LARGE_MODEL", "OPENAI_EMBEDDING_MODEL", "OPENAI_EMBEDDING_URL",
        "OPENAI_EMBEDDING_API_KEY", "OPENAI_EMBEDDING_DIMENSIONS");

    public RuntimeSettings {
      plugins = Set.copyOf(plugins);
      environment = Map.copyOf(environment);
    }

    public boolean managedEliza() {
      return ELIZA.equals(managed);
    }

    /** One managed runtime per workspace. */
    public boolean dedicated() {
      return managedEliza() && DEDICATED.equals(isolation);
    }
  }

  /** {@code detector.allowedLateness} default for the detector inside serve. */
  public static final Duration DEFAULT_DETECTOR_LATENESS = Duration.ofMillis(500);
  /** {@code detector.webhook.timeout} default. */
  public static final Duration DEFAULT_WEBHOOK_TIMEOUT = Duration.ofSeconds(5);

  /**
   * The detector inside serve: whether it runs, how long events are held for reordering, extra
   * rule files, and the webhook that rules with a {@code webhook} response call.
   */
  public record Detector(boolean enabled, Duration allowedLateness, Optional<Path> rulesDirectory,
      Optional<URI> webhookUrl, Duration webhookTimeout) {}

  /** Rate budgets (token buckets); defaults are {@link dev.gatehouse.gateway.limit.Limits}. */
  public record Budgets(RateBudget perAddress, RateBudget perToken, RateBudget failedAuthentication,
      RateBudget perWorkspace) {}

  /**
   * Tokens Gatehouse signs and accepts; {@code settings} carries issuer, audience and max TTL;
   * {@code jwksCacheDuration} is how long an external issuer's fetched key set is used.
   * {@code cryptoProvider} chooses the JCA provider of ES256 signatures (see
   * {@link dev.gatehouse.gateway.crypto.SignatureProviders}).
   */
  public record Tokens(TokenSettings settings, SigningAlgorithm signingAlgorithm, Duration jwksCacheDuration,
      CryptoProviderChoice cryptoProvider) {}

  /**
   * The key provider that seals the gateway's signing keys (and character secrets):
   * {@code local} keyring for development, {@code vault-transit} (address and credentials from
   * {@code VAULT_*} variables) for production. The production profile refuses {@code local}.
   */
  public record Secrets(String provider, Profile profile, Path keyring, String keyName, String vaultMount) {

    public static final String LOCAL = "local";
    public static final String VAULT_TRANSIT = "vault-transit";
    public static final String DEFAULT_KEY_NAME = "gatehouse-characters";
    public static final String DEFAULT_VAULT_MOUNT = "transit";
    public static final String KEYRING_FILE = "keyring.json";
  }

  /**
   * The main (data-plane) listener. {@code trustedProxies} are the front proxies whose
   * {@code X-Forwarded-For} is believed; by default none, so the peer address is the client.
   * {@code eventLoops} main-listener instances share the port, one per event loop.
   * {@code maxBodySize} is the largest request body forwarded, in bytes (default
   * {@link dev.gatehouse.gateway.limit.Limits#DEFAULT_MAX_BODY_SIZE}). With {@code tls}
   * ({@code server.tls.*}) it speaks https only.
   */
  public record Server(ListenAddress listen, Duration drainTimeout, String nodeId,
      TrustedProxies trustedProxies, int eventLoops, long maxBodySize, Optional<ListenerTlsFiles> tls) {}

  /**
   * The admin-plane listener; loopback by default. With {@code tls} ({@code admin.tls.*}) it
   * speaks https only, and with a client CA it requires a client certificate that CA signed.
   */
  public record Admin(ListenAddress listen, Optional<ListenerTlsFiles> tls) {}

  /**
   * The one runtime the gateway fronts. {@code apiKey} is the runtime's own credential, injected
   * on every forwarded request; it never leaves the gateway otherwise. {@code clientIdentity} is
   * who the runtime is told the client is ({@code X-Forwarded-For}). {@code caFile}
   * ({@code upstream.tls.caFile}) holds the CAs trusted for runtimes over https instead of the
   * JDK's trust store.
   */
  public record Upstream(URI url, Duration connectTimeout, Duration responseTimeout,
      Optional<SecretValue> apiKey, ClientIdentity clientIdentity, Optional<Path> caFile) {

    /** An upstream told the client address, trusted through the JDK's trust store. */
    public Upstream(URI url, Duration connectTimeout, Duration responseTimeout, Optional<SecretValue> apiKey) {
      this(url, connectTimeout, responseTimeout, apiKey, ClientIdentity.ADDRESS, Optional.empty());
    }

    public String host() {
      return url.getHost();
    }

    public int port() {
      if (url.getPort() != -1) {
        return url.getPort();
      }
      return isTls() ? 443 : 80;
    }

    public boolean isTls() {
      return "https".equals(url.getScheme());
    }
  }

  /**
   * PostgreSQL. With no {@code url}, the gateway starts an embedded PostgreSQL under
   * {@code <dataDir>/pg}. {@code tls}: the URL's {@code sslmode} and {@code database.tls.caFile}.
   */
  public record Database(Optional<URI> url, Optional<String> user, Optional<String> password,
      int poolSize, DatabaseTls tls) {

    /** A database with the TLS settings of its URL alone. */
    public Database(Optional<URI> url, Optional<String> user, Optional<String> password, int poolSize) {
      this(url, user, password, poolSize, url.map(u -> DatabaseTls.of(u, Optional.empty())).orElse(DatabaseTls.DISABLED));
    }

    public boolean embedded() {
      return url.isEmpty();
    }
  }
}
