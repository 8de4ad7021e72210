package dev.gatehouse.gateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gatehouse.auditdetector.writer.AuditWriterOptions;
import dev.gatehouse.auditdetector.duration.DurationText;
import dev.gatehouse.gateway.authn.IssuerRegistry;
import dev.gatehouse.gateway.crypto.CryptoProviderChoice;
import dev.gatehouse.gateway.egress.PriceTable;
import dev.gatehouse.gateway.keys.SigningAlgorithm;
import dev.gatehouse.gateway.limit.Limits;
import dev.gatehouse.gateway.limit.RateBudget;
import dev.gatehouse.gateway.mutate.ClientIdentity;
import dev.gatehouse.gateway.mutate.TrustedProxies;
import dev.gatehouse.gateway.runtime.ManagedRuntime;
import dev.gatehouse.gateway.runtime.RuntimePackages;
import dev.gatehouse.gateway.socketio.SocketIoSettings;
import dev.gatehouse.gateway.tls.DatabaseTls;
import dev.gatehouse.gateway.tls.ListenerTlsFiles;
import dev.gatehouse.gateway.token.TokenSettings;
import dev.gatehouse.secrets.provider.Profile;
import dev.gatehouse.secrets.SecretValue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a {@link GatewayConfig} from, in increasing precedence: the YAML file, environment
 * variables {@code GATEHOUSE_*}, and command-line settings. The merged tree is validated against
 * the configuration schema (unknown keys rejected), then each value is parsed; the first problem
 * is thrown as a {@link ConfigException} naming the key and the source of the value.
 */
public final class ConfigLoader {

  public static final String ENV_PREFIX = "GATEHOUSE_";
  /** Read from the working directory when no file is named. */
  public static final String DEFAULT_FILE = "gatehouse.yaml";
  /**
   * Environment variables that are not configuration: read by the launcher script and the logging
   * setup, or by the project's other tools (the dependency gate's feed, the browser tests), which
   * may well be set in the same shell. Any other {@code GATEHOUSE_*} name is a mistake and refused.
   */
  static final Set<String> LAUNCHER_VARIABLES = Set.of("GATEHOUSE_JAVA_OPTS", "GATEHOUSE_REBUILD", "GATEHOUSE_LOG_LEVEL",
      "GATEHOUSE_NVD_FEED_URL", "GATEHOUSE_FEED_MAX_AGE_DAYS", "GATEHOUSE_CHROMIUM", "GATEHOUSE_CHROMEDRIVER");

  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
  private final ConfigSchema schema = new ConfigSchema(new ObjectMapper());

  /**
   * @param file the file named with {@code --config}; when empty, {@value #DEFAULT_FILE} is read
   *     if it exists in the working directory
   * @param env the process environment
   * @param flags settings from command-line flags
   */
  public GatewayConfig load(Optional<Path> file, Map<String, String> env, List<Setting> flags) {
    Map<String, String> sources = new HashMap<>();
    ObjectNode tree = readFile(file, sources);
    List<Setting> overrides = new ArrayList<>(fromEnvironment(env));
    overrides.addAll(flags);
    for (Setting s : overrides) {
      put(tree, s);
      sources.put(s.key(), s.source());
    }
    schema.validate(tree, sources);
    return build(tree, sources, env);
  }

  private ObjectNode readFile(Optional<Path> explicit, Map<String, String> sources) {
    Path path = explicit.orElse(Path.of(DEFAULT_FILE));
    if (explicit.isEmpty() && !Files.exists(path)) {
      return JsonNodeFactory.instance.objectNode();
    }
    String name = path.getFileName().toString();
    JsonNode node;
    try {
      node = YamlLines.read(yaml, Files.readString(path));
    } catch (NoSuchFileException e) {
      throw new ConfigException(name, "file not found");
    } catch (JsonProcessingException e) {
      var where = e.getLocation();
      String line = where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
      throw new ConfigException(name, "not valid YAML" + line);
    } catch (IOException e) {
      throw new ConfigException(name, "cannot be read");
    }
    if (node == null || node.isMissingNode() || node.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!node.isObject()) {
      throw new ConfigException(name, "must be a YAML mapping of keys to values");
    }
    markSources("", node, name, sources);
    return (ObjectNode) node;
  }

  private static void markSources(String prefix, JsonNode node, String source, Map<String, String> sources) {
    node.fields().forEachRemaining(e -> {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      sources.put(key, YamlLines.at(source, e.getValue()));
      if (e.getValue().isObject()) {
        markSources(key, e.getValue(), source, sources);
      }
    });
  }

  private List<Setting> fromEnvironment(Map<String, String> env) {
    List<Setting> settings = new ArrayList<>();
    env.keySet().stream().sorted().forEach(name -> {
      if (!name.startsWith(ENV_PREFIX) || LAUNCHER_VARIABLES.contains(name)) {
        return;
      }
      ConfigSchema.Key key = schema.keyForEnv(name)
          .orElseThrow(() -> new ConfigException(name, "unknown setting (no configuration key has this variable)"));
      settings.add(new Setting(key.path(), env.get(name), name));
    });
    return settings;
  }

  private void put(ObjectNode tree, Setting s) {
    String[] parts = s.key().split("\\.");
    ObjectNode node = tree;
    StringBuilder at = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      at.append(i == 0 ? "" : ".").append(parts[i]);
      JsonNode child = node.get(parts[i]);
      if (child == null) {
        child = node.putObject(parts[i]);
      } else if (!child.isObject()) {
        throw new ConfigException(at.toString(), "must be an object");
      }
      node = (ObjectNode) child;
    }
    String leaf = parts[parts.length - 1];
    String type = schema.keyForPath(s.key()).map(ConfigSchema.Key::type).orElse("string");
    switch (type) {
      case "integer" -> {
        try {
          node.put(leaf, Integer.parseInt(s.value().trim()));
        } catch (NumberFormatException e) {
          throw new ConfigException(s.key(), "must be an integer (from " + s.source() + ")");
        }
      }
      case "number" -> {
        try {
          node.put(leaf, Double.parseDouble(s.value().trim()));
        } catch (NumberFormatException e) {
          throw new ConfigException(s.key(), "must be a number (from " + s.source() + ")");
        }
      }
      case "boolean" -> {
        String value = s.value().trim();
        if (!value.equals("true") && !value.equals("false")) {
          throw new ConfigException(s.key(), "must be true or false (from " + s.source() + ")");
        }
        node.put(leaf, Boolean.parseBoolean(value));
      }
      case "array" -> {
        var array = node.putArray(leaf);
        for (String item : s.value().split(",")) {
          if (!item.isBlank()) {
            array.add(item.trim());
          }
        }
      }
      default -> node.put(leaf, s.value());
    }
  }

  private GatewayConfig build(JsonNode tree, Map<String, String> sources, Map<String, String> env) {
    Path dataDir = Path.of(text(tree, "dataDir", GatewayConfig.DEFAULT_DATA_DIR));
    var server = new GatewayConfig.Server(
        listen(tree, "server.listen", GatewayConfig.DEFAULT_LISTEN, sources),
        duration(tree, "server.drainTimeout", GatewayConfig.DEFAULT_DRAIN_TIMEOUT, sources),
        text(tree, "server.nodeId", defaultNodeId()),
        trustedProxies(tree, sources),
        Optional.ofNullable(at(tree, "server.eventLoops")).map(JsonNode::asInt)
            .orElse(Runtime.getRuntime().availableProcessors()),
        Optional.ofNullable(at(tree, "server.maxBodySize")).map(JsonNode::asLong)
            .orElse(Limits.DEFAULT_MAX_BODY_SIZE),
        listenerTls(tree, "server.tls", sources));
    var admin = new GatewayConfig.Admin(
        listen(tree, "admin.listen", GatewayConfig.DEFAULT_ADMIN_LISTEN, sources),
        listenerTls(tree, "admin.tls", sources));
    var upstream = new GatewayConfig.Upstream(
        upstreamUrl(text(tree, "upstream.url", GatewayConfig.DEFAULT_UPSTREAM_URL), sources),
        duration(tree, "upstream.connectTimeout", GatewayConfig.DEFAULT_CONNECT_TIMEOUT, sources),
        duration(tree, "upstream.responseTimeout", GatewayConfig.DEFAULT_RESPONSE_TIMEOUT, sources),
        Optional.ofNullable(at(tree, "upstream.apiKey")).map(n -> SecretValue.ofUtf8(n.asText())),
        clientIdentity(tree),
        Optional.ofNullable(at(tree, "upstream.tls.caFile")).map(n -> Path.of(n.asText())));
    Optional<URI> databaseUrl = Optional.ofNullable(at(tree, "database.url")).map(n -> databaseUrl(n.asText(), sources));
    var database = new GatewayConfig.Database(
        databaseUrl,
        Optional.ofNullable(at(tree, "database.user")).map(JsonNode::asText),
        Optional.ofNullable(at(tree, "database.password")).map(JsonNode::asText),
        Optional.ofNullable(at(tree, "database.poolSize")).map(JsonNode::asInt).orElse(GatewayConfig.DEFAULT_POOL_SIZE),
        databaseTls(tree, databaseUrl, sources));
    if (server.listen().equals(admin.listen()) && server.listen().port() != 0) {
      throw new ConfigException("admin.listen", "must differ from server.listen" + ConfigSchema.from("admin.listen", sources));
    }
    Optional<Path> policyFile = Optional.ofNullable(at(tree, "policy.file")).map(n -> Path.of(n.asText()));
    var audit = new GatewayConfig.Audit(
        Optional.ofNullable(at(tree, "audit.retentionDays")).map(JsonNode::asInt)
            .orElse(GatewayConfig.Audit.DEFAULT_RETENTION_DAYS),
        Optional.ofNullable(at(tree, "audit.spoolMaxBytes")).map(JsonNode::asLong)
            .orElse(AuditWriterOptions.DEFAULT_SPOOL_MAX_BYTES));
    var tokens = new GatewayConfig.Tokens(
        new TokenSettings(
            text(tree, "tokens.issuer", TokenSettings.DEFAULT_ISSUER),
            text(tree, "tokens.audience", TokenSettings.DEFAULT_AUDIENCE),
            duration(tree, "tokens.maxTtl", TokenSettings.DEFAULT_MAX_TTL, sources)),
        SigningAlgorithm.fromId(text(tree, "tokens.signingAlgorithm", "ES256")).orElseThrow(),
        positive(tree, "tokens.jwksCacheDuration", IssuerRegistry.DEFAULT_CACHE_DURATION, sources),
        CryptoProviderChoice.fromId(text(tree, "tokens.cryptoProvider", CryptoProviderChoice.AUTO.id())).orElseThrow());
    var secrets = new GatewayConfig.Secrets(
        text(tree, "secrets.provider", GatewayConfig.Secrets.LOCAL),
        "production".equals(text(tree, "secrets.profile", "development")) ? Profile.PRODUCTION : Profile.DEVELOPMENT,
        Path.of(text(tree, "secrets.keyring", dataDir.resolve(GatewayConfig.Secrets.KEYRING_FILE).toString())),
        text(tree, "secrets.keyName", GatewayConfig.Secrets.DEFAULT_KEY_NAME),
        text(tree, "secrets.vaultMount", GatewayConfig.Secrets.DEFAULT_VAULT_MOUNT));
    var limits = new GatewayConfig.Budgets(
        budget(tree, "limits.perAddress", Limits.PER_ADDRESS, sources),
        budget(tree, "limits.perToken", Limits.PER_TOKEN, sources),
        budget(tree, "limits.failedAuthentication", Limits.FAILED_AUTHENTICATION, sources),
        budget(tree, "limits.perWorkspace", Limits.PER_WORKSPACE, sources));
    var detector = new GatewayConfig.Detector(
        Optional.ofNullable(at(tree, "detector.enabled")).map(JsonNode::asBoolean).orElse(true),
        duration(tree, "detector.allowedLateness", GatewayConfig.DEFAULT_DETECTOR_LATENESS, sources),
        Optional.ofNullable(at(tree, "detector.rulesDirectory")).map(n -> Path.of(n.asText())),
        Optional.ofNullable(at(tree, "detector.webhook.url")).map(n -> uri("detector.webhook.url", n.asText(), sources)),
        duration(tree, "detector.webhook.timeout", GatewayConfig.DEFAULT_WEBHOOK_TIMEOUT, sources));
    var socketIo = new SocketIoSettings(
        Optional.ofNullable(at(tree, "socketio.maxMessageBytes")).map(JsonNode::asInt)
            .orElse(SocketIoSettings.DEFAULT_MAX_MESSAGE_BYTES),
        budget(tree, "socketio.messageRate", SocketIoSettings.DEFAULT_MESSAGE_RATE, sources),
        duration(tree, "socketio.recheckInterval", SocketIoSettings.DEFAULT_RECHECK_INTERVAL, sources),
        duration(tree, "socketio.connectTimeout", SocketIoSettings.DEFAULT_CONNECT_TIMEOUT, sources));
    var runtime = runtime(tree, sources, env);
    if (runtime.managedEliza()) {
      for (String key : List.of("upstream.url", "upstream.apiKey")) {
        if (at(tree, key) != null) {
          throw new ConfigException(key, "must not be set with runtime.managed eliza: the managed runtime is the upstream"
              + ConfigSchema.from(key, sources));
        }
      }
    } else if (at(tree, "runtime.lockfile") != null) {
      throw new ConfigException("runtime.lockfile", "needs runtime.managed eliza: only a runtime the gateway installs"
          + " is installed from it" + ConfigSchema.from("runtime.lockfile", sources));
    } else if (at(tree, "runtime.isolation") != null) {
      throw new ConfigException("runtime.isolation", "needs runtime.managed eliza: an upstream the gateway does not run"
          + " is shared by every workspace" + ConfigSchema.from("runtime.isolation", sources));
    }
    var sessions = new GatewayConfig.Sessions(
        positive(tree, "sessions.idleTimeout", GatewayConfig.Sessions.DEFAULT_IDLE, sources),
        positive(tree, "sessions.absoluteTimeout", GatewayConfig.Sessions.DEFAULT_ABSOLUTE, sources),
        Optional.ofNullable(at(tree, "sessions.publicOrigin")).map(n -> origin("sessions.publicOrigin", n.asText(), sources)),
        oidc(tree, sources));
    var webClient = new GatewayConfig.WebClientSettings(
        Optional.ofNullable(at(tree, "webClient.enabled")).map(JsonNode::asBoolean).orElse(true),
        Optional.ofNullable(at(tree, "webClient.dir")).map(n -> Path.of(n.asText())));
    var tracing = new GatewayConfig.Tracing(
        Optional.ofNullable(at(tree, "tracing.enabled")).map(JsonNode::asBoolean).orElse(false),
        Optional.ofNullable(at(tree, "tracing.endpoint")).map(n -> uri("tracing.endpoint", n.asText(), sources))
            .orElse(GatewayConfig.Tracing.DEFAULT_ENDPOINT),
        Optional.ofNullable(at(tree, "tracing.sampleRatio")).map(JsonNode::asDouble)
            .orElse(GatewayConfig.Tracing.DEFAULT_SAMPLE_RATIO));
    return new GatewayConfig(dataDir, server, admin, upstream, database, policyFile, audit, tokens, secrets,
        limits, socketIo, runtime, detector, sessions, webClient, tracing, egress(tree, server, admin, sources));
  }

  private static GatewayConfig.Egress egress(JsonNode tree, GatewayConfig.Server server, GatewayConfig.Admin admin,
      Map<String, String> sources) {
    ListenAddress listen = listen(tree, "egress.listen", GatewayConfig.Egress.DEFAULT_LISTEN, sources);
    if (listen.port() != 0 && (listen.equals(server.listen()) || listen.equals(admin.listen()))) {
      throw new ConfigException("egress.listen", "must differ from server.listen and admin.listen"
          + ConfigSchema.from("egress.listen", sources));
    }
    PriceTable prices;
    try {
      prices = PriceTable.parse(Optional.ofNullable(strings(tree, "egress.prices")).orElse(List.of()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("egress.prices", e.getMessage() + ConfigSchema.from("egress.prices", sources));
    }
    return new GatewayConfig.Egress(
        Optional.ofNullable(at(tree, "egress.enabled")).map(JsonNode::asBoolean).orElse(false),
        listen,
        providerUrl(tree, "egress.openai.baseUrl", GatewayConfig.Egress.DEFAULT_OPENAI_BASE_URL, sources),
        providerUrl(tree, "egress.anthropic.baseUrl", GatewayConfig.Egress.DEFAULT_ANTHROPIC_BASE_URL, sources),
        Optional.ofNullable(at(tree, "egress.defaultMaxTokens")).map(JsonNode::asInt)
            .orElse(GatewayConfig.Egress.DEFAULT_MAX_TOKENS),
        positive(tree, "egress.reservationTimeout", GatewayConfig.Egress.DEFAULT_RESERVATION_TIMEOUT, sources),
        positive(tree, "egress.responseTimeout", GatewayConfig.Egress.DEFAULT_RESPONSE_TIMEOUT, sources),
        Optional.ofNullable(at(tree, "egress.maxRequestBytes")).map(JsonNode::asInt)
            .orElse(GatewayConfig.Egress.DEFAULT_MAX_REQUEST_BYTES),
        prices);
  }

  /** A provider's base URL: http(s), a host, a path, no credentials, query or fragment. */
  private static URI providerUrl(JsonNode tree, String key, String fallback, Map<String, String> sources) {
    URI uri = uri(key, text(tree, key, fallback), sources);
    boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
    if (!http || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new ConfigException(key, "must be an http or https URL with a host, and no credentials, query or fragment"
          + ConfigSchema.from(key, sources));
    }
    return uri;
  }

  private static GatewayConfig.RuntimeSettings runtime(JsonNode tree, Map<String, String> sources,
      Map<String, String> env) {
    boolean managed = GatewayConfig.RuntimeSettings.ELIZA.equals(text(tree, "runtime.managed", ""));
    List<String> specs = Optional.ofNullable(strings(tree, "runtime.plugins")).orElse(RuntimePackages.DEFAULT_PLUGINS);
    Set<String> plugins;
    try {
      plugins = RuntimePackages.pinned(specs).keySet();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("runtime.plugins", e.getMessage() + ConfigSchema.from("runtime.plugins", sources));
    }
    return new GatewayConfig.RuntimeSettings(
        text(tree, "runtime.managed", GatewayConfig.RuntimeSettings.NONE),
        text(tree, "runtime.isolation", GatewayConfig.RuntimeSettings.DEDICATED),
        Path.of(text(tree, "runtime.cacheDir", ManagedRuntime.defaultCacheDir(env).toString())),
        duration(tree, "runtime.startTimeout", ManagedRuntime.DEFAULT_START_TIMEOUT, sources),
        positive(tree, "runtime.startWait", GatewayConfig.RuntimeSettings.DEFAULT_START_WAIT, sources),
        positive(tree, "runtime.idleTimeout", GatewayConfig.RuntimeSettings.DEFAULT_IDLE_TIMEOUT, sources),
        Optional.ofNullable(at(tree, "runtime.maxRunning")).map(JsonNode::asInt)
            .orElse(GatewayConfig.RuntimeSettings.DEFAULT_MAX_RUNNING),
        Optional.ofNullable(at(tree, "runtime.heapLimitMiB")).map(JsonNode::asInt)
            .orElse(ManagedRuntime.DEFAULT_HEAP_LIMIT_MIB),
        plugins,
        managed ? Optional.of(packages(tree, specs, sources)) : Optional.empty(),
        runtimeEnvironment(Optional.ofNullable(strings(tree, "runtime.environment"))
            .orElse(GatewayConfig.RuntimeSettings.DEFAULT_ENVIRONMENT), env));
  }

  /**
   * The shipped lockfile for the default plugins, or the configured lockfile (required when the
   * plugins differ from the default).
   */
  private static RuntimePackages packages(JsonNode tree, List<String> specs, Map<String, String> sources) {
    JsonNode lockfile = at(tree, "runtime.lockfile");
    if (lockfile == null) {
      if (!specs.equals(RuntimePackages.DEFAULT_PLUGINS)) {
        throw new ConfigException("runtime.lockfile", "is required when runtime.plugins is not the default"
            + ConfigSchema.from("runtime.plugins", sources));
      }
      return RuntimePackages.shipped();
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(Path.of(lockfile.asText()));
    } catch (IOException e) {
      throw new ConfigException("runtime.lockfile", "cannot be read" + ConfigSchema.from("runtime.lockfile", sources));
    }
    try {
      return RuntimePackages.of(specs, bytes);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("runtime.lockfile", e.getMessage() + ConfigSchema.from("runtime.lockfile", sources));
    }
  }

  private static Map<String, SecretValue> runtimeEnvironment(List<String> names, Map<String, String> env) {
    Map<String, SecretValue> values = new HashMap<>();
    for (String name : names) {
      String value = env.get(name);
      if (value != null && !value.isEmpty()) {
        values.put(name, SecretValue.ofUtf8(value));
      }
    }
    return values;
  }

  private static List<String> strings(JsonNode tree, String key) {
    JsonNode node = at(tree, key);
    if (node == null) {
      return null;
    }
    List<String> values = new ArrayList<>();
    node.forEach(item -> values.add(item.asText()));
    return values;
  }

  private static Duration positive(JsonNode tree, String key, Duration fallback, Map<String, String> sources) {
    Duration value = duration(tree, key, fallback, sources);
    if (value.isZero()) {
      throw new ConfigException(key, "must be longer than 0" + ConfigSchema.from(key, sources));
    }
    return value;
  }

  private static RateBudget budget(JsonNode tree, String key, RateBudget fallback, Map<String, String> sources) {
    int burst = Optional.ofNullable(at(tree, key + ".burst")).map(JsonNode::asInt).orElse(fallback.burst());
    Duration interval = duration(tree, key + ".interval", fallback.interval(), sources);
    try {
      return new RateBudget(burst, interval);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage() + ConfigSchema.from(key + ".interval", sources));
    }
  }

  /** Default: the workspace for the managed elizaOS runtime (it trusts the gateway), else the address. */
  private static ClientIdentity clientIdentity(JsonNode tree) {
    boolean managed = GatewayConfig.RuntimeSettings.ELIZA.equals(text(tree, "runtime.managed", ""));
    String fallback = managed ? "workspace" : "address";
    return ClientIdentity.fromId(text(tree, "upstream.clientIdentity", fallback)).orElseThrow();
  }

  private static TrustedProxies trustedProxies(JsonNode tree, Map<String, String> sources) {
    String key = "server.trustedProxies";
    JsonNode node = at(tree, key);
    if (node == null) {
      return TrustedProxies.NONE;
    }
    List<String> cidrs = new ArrayList<>();
    node.forEach(item -> cidrs.add(item.asText()));
    try {
      return TrustedProxies.of(cidrs);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage() + ConfigSchema.from(key, sources));
    }
  }

  /**
   * {@code <prefix>.certFile} and {@code .keyFile} together, or neither; {@code .clientCaFile}
   * (admin only, by the schema) only with them. The files are read when the gateway starts.
   */
  private static Optional<ListenerTlsFiles> listenerTls(JsonNode tree, String prefix, Map<String, String> sources) {
    String certKey = prefix + ".certFile";
    String keyKey = prefix + ".keyFile";
    String caKey = prefix + ".clientCaFile";
    JsonNode cert = at(tree, certKey);
    JsonNode key = at(tree, keyKey);
    JsonNode ca = at(tree, caKey);
    if (cert == null && key == null) {
      if (ca != null) {
        throw new ConfigException(caKey, "needs " + certKey + " and " + keyKey + ConfigSchema.from(caKey, sources));
      }
      return Optional.empty();
    }
    if (cert == null || key == null) {
      String missing = cert == null ? certKey : keyKey;
      String given = cert == null ? keyKey : certKey;
      throw new ConfigException(missing, "is required with " + given + ConfigSchema.from(given, sources));
    }
    return Optional.of(new ListenerTlsFiles(Path.of(cert.asText()), Path.of(key.asText()),
        Optional.ofNullable(ca).map(n -> Path.of(n.asText()))));
  }

  /** The URL's {@code sslmode} and {@code database.tls.caFile}; see {@link DatabaseTls}. */
  private static DatabaseTls databaseTls(JsonNode tree, Optional<URI> url, Map<String, String> sources) {
    Optional<Path> caFile = Optional.ofNullable(at(tree, DatabaseTls.CA_FILE_KEY)).map(n -> Path.of(n.asText()));
    if (url.isEmpty()) {
      if (caFile.isPresent()) {
        throw new ConfigException(DatabaseTls.CA_FILE_KEY, "needs database.url: the embedded database takes no TLS"
            + ConfigSchema.from(DatabaseTls.CA_FILE_KEY, sources));
      }
      return DatabaseTls.DISABLED;
    }
    try {
      return DatabaseTls.of(url.get(), caFile);
    } catch (ConfigException e) {
      throw new ConfigException(e.key(), e.getMessage().substring(e.key().length() + 2) + ConfigSchema.from(e.key(), sources));
    }
  }

  /** {@code sessions.oidc}: issuer and client id together, or neither. */
  private static Optional<GatewayConfig.Oidc> oidc(JsonNode tree, Map<String, String> sources) {
    JsonNode issuer = at(tree, "sessions.oidc.issuer");
    JsonNode client = at(tree, "sessions.oidc.clientId");
    if (issuer == null && client == null) {
      for (String key : List.of("sessions.oidc.clientSecret", "sessions.oidc.scopes", "sessions.oidc.label")) {
        if (at(tree, key) != null) {
          throw new ConfigException(key, "needs sessions.oidc.issuer and sessions.oidc.clientId"
              + ConfigSchema.from(key, sources));
        }
      }
      return Optional.empty();
    }
    if (issuer == null || client == null) {
      String missing = issuer == null ? "sessions.oidc.issuer" : "sessions.oidc.clientId";
      throw new ConfigException(missing, "is required with the other sessions.oidc settings"
          + ConfigSchema.from(missing, sources));
    }
    URI uri = uri("sessions.oidc.issuer", issuer.asText(), sources);
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()) && loopback(uri.getHost()))
        || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new ConfigException("sessions.oidc.issuer", "must be an https URL (http on a loopback host only), with"
          + " no query, fragment or credentials" + ConfigSchema.from("sessions.oidc.issuer", sources));
    }
    List<String> scopes = new ArrayList<>(List.of("openid"));
    Optional.ofNullable(strings(tree, "sessions.oidc.scopes")).ifPresent(more -> more.stream()
        .filter(scope -> !scopes.contains(scope)).forEach(scopes::add));
    return Optional.of(new GatewayConfig.Oidc(uri, client.asText(),
        Optional.ofNullable(at(tree, "sessions.oidc.clientSecret")).map(n -> SecretValue.ofUtf8(n.asText())),
        List.copyOf(scopes), text(tree, "sessions.oidc.label", "Sign in with your identity provider")));
  }

  private static boolean loopback(String host) {
    return host != null && (host.equals("localhost") || host.equals("::1") || host.equals("[::1]")
        || host.startsWith("127."));
  }

  private static URI upstreamUrl(String text, Map<String, String> sources) {
    return origin("upstream.url", text, sources);
  }

  /** An origin: {@code http(s)://host[:port]}, nothing else. */
  private static URI origin(String key, String text, Map<String, String> sources) {
    URI uri = uri(key, text, sources);
    boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
    if (!http || uri.getHost() == null) {
      throw new ConfigException(key, "must be an absolute http or https URL with a host" + ConfigSchema.from(key, sources));
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
      throw new ConfigException(key, "must be scheme://host[:port] only (no credentials, path, query or fragment)"
          + ConfigSchema.from(key, sources));
    }
    return uri;
  }

  private static URI databaseUrl(String text, Map<String, String> sources) {
    String key = "database.url";
    URI uri = uri(key, text, sources);
    boolean postgres = "postgresql".equals(uri.getScheme()) || "postgres".equals(uri.getScheme());
    if (!postgres || uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
      throw new ConfigException(key, "must be postgresql://[user[:password]@]host[:port]/database"
          + ConfigSchema.from(key, sources));
    }
    return uri;
  }

  private static URI uri(String key, String text, Map<String, String> sources) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new ConfigException(key, "is not a valid URL" + ConfigSchema.from(key, sources));
    }
  }

  private static ListenAddress listen(JsonNode tree, String key, String fallback, Map<String, String> sources) {
    try {
      return ListenAddress.parse(text(tree, key, fallback));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage() + ConfigSchema.from(key, sources));
    }
  }

  private static Duration duration(JsonNode tree, String key, Duration fallback, Map<String, String> sources) {
    JsonNode node = at(tree, key);
    if (node == null) {
      return fallback;
    }
    try {
      return DurationText.parse(node.asText());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage() + ConfigSchema.from(key, sources));
    }
  }

  private static String text(JsonNode tree, String key, String fallback) {
    JsonNode node = at(tree, key);
    return node == null ? fallback : node.asText();
  }

  private static JsonNode at(JsonNode tree, String key) {
    JsonNode node = tree;
    for (String part : key.split("\\.")) {
      node = node.get(part);
      if (node == null || node.isNull()) {
        return null;
      }
    }
    return node;
  }

  private static String defaultNodeId() {
    try {
      String host = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT)
          .replaceAll("[^a-z0-9._-]", "-");
      return host.isEmpty() || !Character.isLetterOrDigit(host.charAt(0)) ? "gatehouse" : host;
    } catch (UnknownHostException e) {
      return "gatehouse";
    }
  }
}
