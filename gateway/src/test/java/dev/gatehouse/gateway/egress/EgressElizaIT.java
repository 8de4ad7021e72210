package dev.gatehouse.gateway.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.gatehouse.gateway.server.Gateway;
import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.ChatClient;
import dev.gatehouse.gateway.testsupport.ElizaRuntimes;
import dev.gatehouse.gateway.testsupport.RuntimeProcesses;
import dev.gatehouse.gateway.testsupport.StandInModel;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import dev.gatehouse.gateway.testsupport.TestGateways;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The real elizaOS 1.7.2, one runtime per workspace, in front of a stand-in provider that only
 * the gateway's egress listener knows: the agent answers, the stand-in sees the workspace's real
 * key on every call, and afterwards that key is nowhere in the runtime's environment, its data
 * directory (its PGlite database files included), any API answer or any log line, searched byte
 * for byte — although the operator's environment held it and the character carried it.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class EgressElizaIT {

  static final String REAL_KEY = "sk-real-provider-key-" + HexFormat.of().formatHex(randomBytes());
  static final List<String> SCOPES = List.of("agents:read", "agents:write", "messages:read", "messages:write",
      "memories:read", "secrets:write");

  @TempDir
  static Path dir;
  static TestDatabase database;
  static StandInModel provider;
  static Gateway gateway;
  static ListAppender<ILoggingEvent> logs;
  static Logger root;
  static Logger gatehouse;
  static Level rootLevel;
  static Level gatehouseLevel;

  static byte[] randomBytes() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  @BeforeAll
  static void start() throws Exception {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
    gatehouse = logging.getLogger("dev.gatehouse");
    rootLevel = root.getLevel();
    gatehouseLevel = gatehouse.getLevel();
    // Every line the gateway and the runtime write, debug included, is searched for the key.
    root.setLevel(Level.INFO);
    gatehouse.setLevel(Level.DEBUG);
    logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    database = new TestDatabase();
    provider = new StandInModel();
    List<String> settings = new ArrayList<>(ElizaRuntimes.dedicatedSettings());
    settings.addAll(List.of("database.url=" + database.url(), "policy.file=" + ElizaRuntimes.DEFAULT_POLICY,
        "egress.enabled=true", "egress.listen=127.0.0.1:0", "egress.openai.baseUrl=" + provider.baseUrl()));
    // An operator who still has the key in the environment: with egress on, no runtime inherits it.
    Map<String, String> environment = new HashMap<>(ElizaRuntimes.environment());
    environment.put("OPENAI_API_KEY", REAL_KEY);
    environment.put("OPENAI_BASE_URL", provider.baseUrl());
    gateway = TestGateways.start(dir.resolve("gateway"), environment, settings.toArray(new String[0]));
  }

  @AfterAll
  static void stop() throws Exception {
    root.detachAppender(logs);
    root.setLevel(rootLevel);
    gatehouse.setLevel(gatehouseLevel);
    TestGateways.stopQuietly(gateway);
    if (provider != null) {
      provider.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  @Tag("T-SEC-020")
  void the_agent_answers_and_the_real_key_never_reaches_the_runtime() throws Exception {
    AdminClient admin = new AdminClient(gateway);
    String workspace = admin.createWorkspace("egress-e2e");
    assertEquals(204, admin.put("/admin/v1/workspaces/" + workspace + "/provider-keys/openai",
        new JsonObject().put("key", REAL_KEY)).statusCode());
    ChatClient client = new ChatClient(TestGateways.mainUrl(gateway), gateway.port(), workspace, "alice",
        admin.mint(workspace, "alice", SCOPES));
    List<String> answers = new ArrayList<>();

    JsonObject character = ElizaRuntimes.character("Keyless-" + UUID.randomUUID())
        .put("settings", new JsonObject().put("secrets", new JsonObject().put("OPENAI_API_KEY", REAL_KEY)));
    JsonObject created = client.call("POST", "/api/agents", new JsonObject().put("characterJson", character), 201);
    answers.add(created.encode());
    String agent = created.getJsonObject("data").getString("id");
    answers.add(client.call("POST", "/api/agents/" + agent + "/start", null, 200).encode());
    String channel = client.openDirectChannel(agent);
    String mark = "MARK-egress-" + UUID.randomUUID();
    String answer = client.askOverRest(channel, "hello " + mark);
    assertEquals("echo: " + mark, answer, "the agent answers through the egress listener");
    answers.add(answer);
    for (String path : List.of("/api/agents/" + agent, "/api/agents/" + agent + "/memories",
        "/api/messaging/channels/" + channel + "/messages", "/api/agents")) {
      answers.add(client.send("GET", path, null).body());
    }

    List<StandInModel.Received> calls = provider.received();
    assertFalse(calls.isEmpty(), "the stand-in provider was called");
    assertFalse(provider.receivedContaining(mark).isEmpty(), "the answer came from a model call");
    for (StandInModel.Received call : calls) {
      // assertTrue, not assertEquals: a failure must not print the key.
      assertTrue(("Bearer " + REAL_KEY).equals(call.authorization()), "every call carried the workspace's key: " + call.path());
    }

    long pid = RuntimeProcesses.of(dir.resolve("gateway"), workspace).orElseThrow().pid();
    byte[] key = REAL_KEY.getBytes(StandardCharsets.UTF_8);
    assertFalse(contains(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), key),
        "the runtime's environment");
    assertFalse(answers.stream().anyMatch(a -> a.contains(REAL_KEY)), "an API answer");

    // Stopping the gateway stops the runtime, which writes its database files out.
    TestGateways.stopQuietly(gateway);
    Path runtimeData = dir.resolve("gateway").resolve(Gateway.RUNTIMES_DIR).resolve(workspace);
    List<Path> files = filesUnder(runtimeData);
    assertTrue(files.stream().anyMatch(f -> f.startsWith(runtimeData.resolve("db"))), "the runtime's database files: " + files);
    List<Path> holding = filesUnder(dir).stream().filter(f -> contains(read(f), key)).toList();
    assertEquals(List.of(), holding, "files holding the key");
    List<String> loggersWithKey = logs.list.stream().filter(e -> text(e).contains(REAL_KEY))
        .map(ILoggingEvent::getLoggerName).toList();
    assertEquals(List.of(), loggersWithKey, "loggers of lines holding the key (the lines are not printed)");
    assertTrue(logs.list.stream().anyMatch(e -> e.getLoggerName().equals("dev.gatehouse.runtime.output")),
        "the runtime's own output was among the lines searched");
  }

  static List<Path> filesUnder(Path top) throws IOException {
    try (Stream<Path> walk = Files.walk(top)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  static String text(ILoggingEvent event) {
    return event.getFormattedMessage() + " " + event.getMDCPropertyMap() + " " + event.getKeyValuePairs()
        + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
  }
}
