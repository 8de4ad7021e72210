package dev.gatehouse.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.testsupport.AdminClient;
import dev.gatehouse.gateway.testsupport.ChatClient;
import dev.gatehouse.gateway.testsupport.ElizaRuntimes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse serve --runtime eliza} as an operator runs it from a terminal, with a model
 * server named by {@code OPENAI_BASE_URL} (the stand-in model here): the README's quick start.
 * The shaded jar installs (or reuses) elizaOS and its plugins; a workspace's first request starts
 * its runtime; an agent created through the gateway answers; ctrl-C stops with exit 0 leaving no
 * Node process behind; when the gateway is killed outright, the runtime still goes away.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ServeRuntimeProcessIT {

  static final Pattern READY = Pattern.compile("main http://127\\.0\\.0\\.1:(\\d+) -> (.+), admin http://127\\.0\\.0\\.1:(\\d+)");

  @TempDir
  Path dataDir;

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final List<ProcessHandle> started = new CopyOnWriteArrayList<>();

  /** A failed assertion must not leave a gateway, its PostgreSQL or its runtime running. */
  @AfterEach
  void killLeftovers() {
    for (ProcessHandle p : started) {
      p.destroyForcibly();
    }
    for (ProcessHandle p : usingDataDir()) {
      p.destroyForcibly();
    }
  }

  record Running(Process process, int port, String runtimes, int adminPort, List<String> output) {}

  @Test
  void the_quick_start_answers_and_ctrl_c_leaves_no_node_process() throws Exception {
    Running running = start();
    assertEquals(200, status(running.port(), "/readyz"));
    assertTrue(running.runtimes().startsWith("dedicated runtimes"), running.runtimes());
    assertEquals(List.of(), nodeProcesses(), "no runtime before a workspace uses one");

    AdminClient admin = new AdminClient("http://127.0.0.1:" + running.adminPort(),
        Files.readString(dataDir.resolve("admin-token")).trim());
    String workspace = admin.createWorkspace("demo");
    String token = admin.mint(workspace, "alice", List.of("agents:read", "agents:write", "messages:read",
        "messages:write"));
    ChatClient alice = new ChatClient("http://127.0.0.1:" + running.port(), running.port(), workspace, "alice", token);
    // The README's quick start, call for call.
    String agent = alice.call("POST", "/api/agents", new JsonObject().put("characterJson", new JsonObject()
        .put("name", "Eliza").put("bio", "A helpful agent.").put("plugins", new JsonArray(ElizaRuntimes.PLUGINS))), 201)
        .getJsonObject("data").getString("id");
    alice.call("POST", "/api/agents/" + agent + "/start", null, 200);
    String channel = alice.call("POST", "/api/messaging/channels", new JsonObject().put("name", "chat").put("type", "DM")
        .put("participantCentralUserIds", new JsonArray().add(agent)).put("metadata", new JsonObject().put("isDm", true)),
        201).getJsonObject("data").getString("id");
    JsonObject answer = alice.call("POST", "/api/messaging/channels/" + channel + "/messages",
        new JsonObject().put("content", "Hello! MARK-quick-start").put("transport", "http"), 201);
    assertEquals("echo: MARK-quick-start", answer.getJsonObject("agentResponse").getString("text"));
    List<ProcessHandle> nodes = nodeProcesses();
    assertEquals(1, nodes.size(), "one runtime, the workspace's: " + nodes);
    assertTrue(running.output().stream().anyMatch(line -> line.contains("\"runtime\":\"" + workspace + "\"")),
        "the runtime's own output is in the gateway's log, tagged with its workspace");

    assertEquals(0, new ProcessBuilder("kill", "-s", "INT", "--", "-" + running.process().pid()).start().waitFor());

    assertTrue(running.process().waitFor(90, TimeUnit.SECONDS), "stopped");
    assertEquals(0, running.process().exitValue(), String.join("\n", running.output()));
    for (ProcessHandle node : nodes) {
      node.onExit().get(30, TimeUnit.SECONDS);
    }
    awaitNothingUsingDataDir();
  }

  @Test
  void the_shared_runtime_exits_when_the_gateway_is_killed() throws Exception {
    Running running = start("--isolation", "shared");
    assertTrue(running.runtimes().startsWith("http://127.0.0.1:"), running.runtimes());
    int runtimePort = URI.create(running.runtimes()).getPort();
    assertEquals(401, status(runtimePort, "/api/agents"), "the runtime itself wants its key");
    List<ProcessHandle> nodes = nodeProcesses();
    assertEquals(1, nodes.size(), "one runtime: " + nodes);

    running.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    nodes.get(0).onExit().get(60, TimeUnit.SECONDS);
    assertFalse(nodes.get(0).isAlive(), "the runtime saw its standard input close and exited");
  }

  Running start(String... flags) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of("setsid", java, "-jar", Path.of("target", "gatehouse.jar").toString(),
        "serve", "--data-dir", dataDir.toString(), "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
        "--runtime", "eliza"));
    command.addAll(List.of(flags));
    // Its own session and process group, like a program started from a terminal.
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(ElizaRuntimes.environment());
    Process process = builder.start();
    started.add(process.toHandle());
    List<String> output = new CopyOnWriteArrayList<>();
    BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread drain = new Thread(() -> reader.lines().forEach(output::add));
    drain.setDaemon(true);
    drain.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
    while (System.nanoTime() < deadline && process.isAlive()) {
      for (String line : output) {
        Matcher m = READY.matcher(line);
        if (line.startsWith("gatehouse ready") && m.find()) {
          return new Running(process, Integer.parseInt(m.group(1)), m.group(2), Integer.parseInt(m.group(3)), output);
        }
      }
      Thread.sleep(50);
    }
    process.destroyForcibly();
    throw new AssertionError("not ready; output:\n" + String.join("\n", output));
  }

  /** The Node processes running this data directory's runtime (its database path is an argument). */
  List<ProcessHandle> nodeProcesses() {
    return usingDataDir().stream()
        .filter(p -> p.info().command().map(c -> c.endsWith("/node")).orElse(false))
        .toList();
  }

  List<ProcessHandle> usingDataDir() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(args -> String.join(" ", args).contains(dataDir.toString())).orElse(false))
        .filter(ProcessHandle::isAlive)
        .toList();
  }

  void awaitNothingUsingDataDir() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!usingDataDir().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(List.of(), usingDataDir(), "no process left behind");
  }

  int status(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
