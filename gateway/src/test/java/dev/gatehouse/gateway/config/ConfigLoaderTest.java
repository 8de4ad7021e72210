package dev.gatehouse.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  final ConfigLoader loader = new ConfigLoader();

  GatewayConfig load(String yaml, Map<String, String> env, Setting... flags) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, yaml);
    return loader.load(Optional.of(file), env, List.of(flags));
  }

  ConfigException rejected(String yaml, Map<String, String> env, Setting... flags) {
    return assertThrows(ConfigException.class, () -> load(yaml, env, flags));
  }

  @Test
  void defaults_are_loopback_and_embedded() throws Exception {
    GatewayConfig config = load("", Map.of());

    assertEquals(new ListenAddress("127.0.0.1", 8080), config.server().listen());
    assertEquals(new ListenAddress("127.0.0.1", 8081), config.admin().listen());
    assertEquals("http://127.0.0.1:3000", config.upstream().url().toString());
    assertEquals(Path.of(".gatehouse"), config.dataDir());
    assertTrue(config.database().embedded());
    assertEquals(GatewayConfig.DEFAULT_CONNECT_TIMEOUT, config.upstream().connectTimeout());
  }

  @Test
  void environment_overrides_file_and_flags_override_environment() throws Exception {
    String yaml = """
        upstream:
          url: http://127.0.0.1:4000
          connectTimeout: 3s
        server:
          listen: 127.0.0.1:9000
        """;
    GatewayConfig config = load(yaml,
        Map.of("GATEHOUSE_UPSTREAM_URL", "http://127.0.0.1:5000",
            "GATEHOUSE_SERVER_LISTEN", "127.0.0.1:9100",
            "GATEHOUSE_DATABASE_POOL_SIZE", "3",
            "PATH", "/bin"),
        new Setting("server.listen", "127.0.0.1:9200", "--listen"));

    assertEquals("http://127.0.0.1:5000", config.upstream().url().toString());
    assertEquals(Duration.ofSeconds(3), config.upstream().connectTimeout());
    assertEquals(9200, config.server().listen().port());
    assertEquals(3, config.database().poolSize());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown top-level key     | bogus: 1                                   | bogus: unknown key
      unknown nested key        | upstream: {timeout: 5s}                    | upstream.timeout: unknown key
      invalid upstream URL      | upstream: {url: 'ftp://example'}           | upstream.url: must be an absolute http or https URL
      upstream URL with path    | upstream: {url: 'http://h:1/api'}          | upstream.url: must be scheme://host[:port] only
      malformed URL             | upstream: {url: 'http://exa mple'}         | upstream.url: is not a valid URL
      bad duration              | upstream: {connectTimeout: 5 seconds}      | upstream.connectTimeout: must be a duration
      zero duration             | server: {drainTimeout: 0s}                 | server.drainTimeout: must be a duration greater than zero
      bad listen                | server: {listen: localhost}                | server.listen: must be host:port
      port out of range         | admin: {listen: '127.0.0.1:70000'}         | admin.listen: port must be between 0 and 65535
      wrong type                | database: {poolSize: many}                 | database.poolSize: must be an integer
      out of bounds             | database: {poolSize: 1000}                 | database.poolSize: must be between 1 and 100
      section not a mapping     | upstream: http://x                         | upstream: must be an object
      bad database URL          | database: {url: 'mysql://h/db'}            | database.url: must be postgresql://
      same listeners            | {server: {listen: '127.0.0.1:9'}, admin: {listen: '127.0.0.1:9'}} | admin.listen: must differ from server.listen
      """)
  void a_bad_file_names_the_key_and_the_problem(String name, String yaml, String expected) {
    ConfigException e = rejected(yaml, Map.of());

    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    assertTrue(e.getMessage().contains("(from gatehouse.yaml, line 1)"), e.getMessage());
  }

  @Test
  void durations_take_days_and_iso_8601_like_every_other_duration() throws Exception {
    GatewayConfig config = load("""
        tokens: {maxTtl: 7d}
        server: {drainTimeout: PT15S}
        """, Map.of("GATEHOUSE_UPSTREAM_RESPONSE_TIMEOUT", "90s"));

    assertEquals(Duration.ofDays(7), config.tokens().settings().maxTtl());
    assertEquals(Duration.ofSeconds(15), config.server().drainTimeout());
    assertEquals(Duration.ofSeconds(90), config.upstream().responseTimeout());

    ConfigException e = rejected("tokens: {maxTtl: a week}", Map.of());
    assertEquals("tokens.maxTtl: must be a duration: a whole number and a unit (ms, s, m, h, d) such as 250ms, 90s,"
        + " 15m, 1h or 7d, or ISO-8601 such as PT15M (from gatehouse.yaml, line 1)", e.getMessage());
  }

  @Test
  void rate_budgets_default_to_the_named_limits_and_can_be_set() throws Exception {
    GatewayConfig defaults = load("", Map.of());
    GatewayConfig set = load("limits:\n  perToken: {burst: 7, interval: 2s}\n", Map.of(),
        new Setting("limits.perAddress.burst", "9", "--flag"));

    assertEquals(dev.gatehouse.gateway.limit.Limits.PER_ADDRESS, defaults.limits().perAddress());
    assertEquals(new dev.gatehouse.gateway.limit.RateBudget(7, Duration.ofSeconds(2)), set.limits().perToken());
    assertEquals(9, set.limits().perAddress().burst());
    assertEquals(dev.gatehouse.gateway.limit.Limits.PER_ADDRESS.interval(), set.limits().perAddress().interval());
    assertEquals(dev.gatehouse.gateway.limit.Limits.FAILED_AUTHENTICATION, set.limits().failedAuthentication());
  }

  @Test
  void the_audit_spool_limit_defaults_to_one_gibibyte_and_can_be_set_within_bounds() throws Exception {
    assertEquals(1L << 30, load("", Map.of()).audit().spoolMaxBytes());
    assertEquals(8L << 30, load("audit:\n  spoolMaxBytes: 8589934592\n", Map.of()).audit().spoolMaxBytes());
    assertEquals(90, load("", Map.of()).audit().retentionDays());
    ConfigException tooSmall = rejected("audit:\n  spoolMaxBytes: 1000\n", Map.of());
    assertTrue(tooSmall.getMessage().startsWith("audit.spoolMaxBytes: must be between 1048576 and 1099511627776"),
        tooSmall.getMessage());
  }

  @Test
  void socket_limits_default_to_the_named_values_and_can_be_set() throws Exception {
    GatewayConfig defaults = load("", Map.of());
    GatewayConfig set = load("socketio:\n  maxMessageBytes: 4096\n  messageRate: {burst: 3, interval: 1s}\n",
        Map.of("GATEHOUSE_SOCKETIO_RECHECK_INTERVAL", "250ms"), new Setting("socketio.connectTimeout", "2s", "--flag"));

    assertEquals(dev.gatehouse.gateway.socketio.SocketIoSettings.defaults(), defaults.socketIo());
    assertEquals(new dev.gatehouse.gateway.socketio.SocketIoSettings(4096,
        new dev.gatehouse.gateway.limit.RateBudget(3, Duration.ofSeconds(1)), Duration.ofMillis(250),
        Duration.ofSeconds(2)), set.socketIo());
    ConfigException tooBig = rejected("socketio:\n  maxMessageBytes: 2000000\n", Map.of());
    assertTrue(tooBig.getMessage().startsWith("socketio.maxMessageBytes: must be between 1024 and 1000000"),
        tooBig.getMessage());
    ConfigException zero = rejected("socketio:\n  recheckInterval: 0s\n", Map.of());
    assertTrue(zero.getMessage().startsWith("socketio.recheckInterval: must be a duration greater than zero"), zero.getMessage());
  }

  @Test
  void the_body_cap_defaults_to_the_named_limit_and_can_be_set_within_bounds() throws Exception {
    assertEquals(dev.gatehouse.gateway.limit.Limits.DEFAULT_MAX_BODY_SIZE, load("", Map.of()).server().maxBodySize());
    assertEquals(1_048_576, load("server:\n  maxBodySize: 4096\n",
        Map.of("GATEHOUSE_SERVER_MAX_BODY_SIZE", "1048576")).server().maxBodySize());
    ConfigException tooSmall = rejected("server:\n  maxBodySize: 100\n", Map.of());
    assertTrue(tooSmall.getMessage().startsWith("server.maxBodySize: must be between 1024 and 1073741824"),
        tooSmall.getMessage());
  }

  @Test
  void tracing_is_off_by_default_and_each_key_has_an_environment_form() throws Exception {
    GatewayConfig.Tracing defaults = load("", Map.of()).tracing();
    assertEquals(new GatewayConfig.Tracing(false, GatewayConfig.Tracing.DEFAULT_ENDPOINT, 1.0), defaults);
    GatewayConfig.Tracing set = load("", Map.of("GATEHOUSE_TRACING_ENABLED", "true",
        "GATEHOUSE_TRACING_ENDPOINT", "http://collector:4318/v1/traces",
        "GATEHOUSE_TRACING_SAMPLE_RATIO", "0.25")).tracing();
    assertEquals(new GatewayConfig.Tracing(true, java.net.URI.create("http://collector:4318/v1/traces"), 0.25), set);
    ConfigException ratio = rejected("", Map.of("GATEHOUSE_TRACING_SAMPLE_RATIO", "2"));
    assertTrue(ratio.getMessage().startsWith("tracing.sampleRatio: must be between 0 and 1"), ratio.getMessage());
    ConfigException notNumber = rejected("", Map.of("GATEHOUSE_TRACING_SAMPLE_RATIO", "half"));
    assertTrue(notNumber.getMessage().startsWith("tracing.sampleRatio: must be a number"), notNumber.getMessage());
    ConfigException endpoint = rejected("tracing:\n  endpoint: grpc://collector:4317\n", Map.of());
    assertTrue(endpoint.getMessage().startsWith("tracing.endpoint: "), endpoint.getMessage());
  }

  @Test
  void a_zero_burst_is_refused() {
    ConfigException e = rejected("limits:\n  perToken: {burst: 0}\n", Map.of());

    assertTrue(e.getMessage().startsWith("limits.perToken.burst: must be between 1 and 1000000"), e.getMessage());
  }

  @Test
  void an_unknown_environment_variable_is_rejected_by_name() {
    ConfigException e = rejected("", Map.of("GATEHOUSE_UPSTREM_URL", "http://x:1"));

    assertEquals("GATEHOUSE_UPSTREM_URL", e.key());
  }

  @Test
  void variables_of_the_projects_other_tools_are_not_configuration() throws Exception {
    GatewayConfig config = load("", Map.of("GATEHOUSE_NVD_FEED_URL", "file:///mirror/",
        "GATEHOUSE_FEED_MAX_AGE_DAYS", "30", "GATEHOUSE_CHROMIUM", "/opt/chromium", "GATEHOUSE_LOG_LEVEL", "debug",
        "GATEHOUSE_REBUILD", "1"));
    assertEquals("http://127.0.0.1:3000", config.upstream().url().toString());
  }

  @Test
  void a_bad_environment_value_names_the_variable() {
    ConfigException e = rejected("", Map.of("GATEHOUSE_DATABASE_POOL_SIZE", "lots"));

    assertEquals("database.poolSize: must be an integer (from GATEHOUSE_DATABASE_POOL_SIZE)", e.getMessage());
  }

  @Test
  void a_bad_flag_names_the_flag() {
    ConfigException e = rejected("", Map.of(), new Setting("upstream.url", "nope", "--upstream"));

    assertTrue(e.getMessage().endsWith("(from --upstream)"), e.getMessage());
  }

  @Test
  void invalid_yaml_names_the_file_and_line_without_echoing_content() {
    ConfigException e = rejected("upstream:\n  url: [unclosed\n  password: hunter2-canary\n", Map.of());

    assertTrue(e.getMessage().startsWith("gatehouse.yaml: not valid YAML at line"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2-canary"));
  }

  @Test
  void errors_never_echo_the_value() {
    ConfigException e = rejected("database: {url: 'postgresql://u:sup3r-secret@:5432'}", Map.of());

    assertFalse(e.getMessage().contains("sup3r-secret"), e.getMessage());
  }

  @Test
  void a_named_file_that_does_not_exist_is_an_error() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> loader.load(Optional.of(dir.resolve("missing.yaml")), Map.of(), List.of()));

    assertEquals("missing.yaml: file not found", e.getMessage());
  }

  @Test
  void environment_names_follow_the_keys() {
    assertEquals("GATEHOUSE_UPSTREAM_CONNECT_TIMEOUT", new ConfigSchema.Key("upstream.connectTimeout", "string").envName());
    assertEquals("GATEHOUSE_DATA_DIR", new ConfigSchema.Key("dataDir", "string").envName());
  }

  @Test
  void oidc_sign_in_needs_issuer_and_client_and_takes_its_secret_from_the_environment() throws Exception {
    GatewayConfig config = load("""
        sessions:
          oidc:
            issuer: https://id.example.com/realms/people
            clientId: gatehouse
            scopes: [profile, openid]
        """, Map.of("GATEHOUSE_SESSIONS_OIDC_CLIENT_SECRET", "s3cret"));
    GatewayConfig.Oidc oidc = config.sessions().oidc().orElseThrow();
    assertEquals(List.of("openid", "profile"), oidc.scopes());
    assertEquals("s3cret", oidc.clientSecret().orElseThrow().revealUtf8());
    assertEquals("Sign in with your identity provider", oidc.label());
    assertTrue(load("", Map.of()).sessions().oidc().isEmpty());
    assertTrue(rejected("sessions:\n  oidc:\n    issuer: https://id.example.com\n", Map.of()).getMessage()
        .contains("sessions.oidc.clientId"));
    assertTrue(rejected("sessions:\n  oidc:\n    label: x\n", Map.of()).getMessage()
        .contains("needs sessions.oidc.issuer"));
    assertTrue(rejected("sessions:\n  oidc:\n    issuer: http://id.example.com\n    clientId: c\n", Map.of())
        .getMessage().contains("https"), "plain http only on loopback");
  }
}
