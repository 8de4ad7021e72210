package dev.gatehouse.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.testsupport.NativeCryptoPlatform;
import dev.gatehouse.gateway.testsupport.TestUpstream;
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
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as an operator runs it: starts on the embedded defaults, becomes ready, stops
 * with exit 0 on ctrl-C (SIGINT to the whole process group) and on SIGTERM, leaving no process
 * behind, and reuses its data on the next start.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServeProcessIT {

  static final Pattern READY = Pattern.compile("main http://127\\.0\\.0\\.1:(\\d+) .* admin http://127\\.0\\.0\\.1:(\\d+)");

  @TempDir
  Path dataDir;

  final HttpClient http = HttpClient.newHttpClient();
  final List<Process> processes = new CopyOnWriteArrayList<>();
  /** The runtime it fronts: a node is ready only with one that answers. */
  static TestUpstream upstream;

  @BeforeAll
  static void startUpstream() throws Exception {
    upstream = new TestUpstream();
  }

  @AfterAll
  static void stopUpstream() throws Exception {
    upstream.close();
  }

  /** A failed assertion must not leave a gateway (and its PostgreSQL) running. */
  @AfterEach
  void killLeftovers() throws Exception {
    for (Process p : processes) {
      if (p.isAlive()) {
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** A started process with its ports and everything it printed. */
  record Running(Process process, int port, int adminPort, Duration timeToReady, List<String> output) {}

  @Test
  void serve_becomes_ready_stops_cleanly_on_signals_and_reuses_its_data() throws Exception {
    Running cold = start();
    assertEquals(200, get(cold.port(), "/readyz", null));
    String token = Files.readString(dataDir.resolve("admin-token")).trim();
    assertEquals(200, get(cold.adminPort(), "/admin/v1/status", token));
    assertEquals(NativeCryptoPlatform.expectedProvider(), status(cold.adminPort(), token).getString("signatureProvider"),
        "the native provider's library survives shading");
    Path pgVersion = dataDir.resolve("pg").resolve("PG_VERSION");
    FileTime initialized = Files.getLastModifiedTime(pgVersion);

    stop(cold, "INT", true);

    Running warm = start();
    assertEquals(200, get(warm.port(), "/readyz", null));
    assertEquals(token, Files.readString(dataDir.resolve("admin-token")).trim(), "token file kept");
    assertEquals(200, get(warm.adminPort(), "/admin/v1/status", token), "same database, same credential");
    assertEquals(initialized, Files.getLastModifiedTime(pgVersion), "no second initdb");

    stop(warm, "TERM", false);

    System.out.printf("time to ready: cold %d ms, warm %d ms%n",
        cold.timeToReady().toMillis(), warm.timeToReady().toMillis());
    for (String line : cold.output()) {
      assertFalse(line.contains(token), "the admin token never reaches the output");
    }
    for (String line : warm.output()) {
      assertFalse(line.contains(token), "the admin token never reaches the output");
    }
  }

  /**
   * SIGHUP reloads the policy the configuration names: a broken file keeps the running policy
   * and the log names its line; a good one is in force for the next request.
   */
  @Test
  void sighup_keeps_the_running_policy_when_the_new_one_is_broken_and_applies_a_good_one() throws Exception {
    Path policy = dataDir.resolveSibling(dataDir.getFileName() + "-policy.yaml");
    Path config = dataDir.resolveSibling(dataDir.getFileName() + "-gatehouse.yaml");
    Files.writeString(policy, pingPolicy("public"));
    Files.writeString(config, "policy:\n  file: " + policy + "\n");
    Running node = start("--config", config.toString());
    assertEquals(200, get(node.port(), "/ping", null), "the public route reaches the runtime");

    Files.writeString(policy, pingPolicy("pubic"));
    hangUp(node);
    String refused = awaitLine(node, "reload refused");
    assertTrue(refused.contains("line 6"), refused);
    assertEquals(200, get(node.port(), "/ping", null), "the running policy stays");

    Files.writeString(policy, pingPolicy("deny"));
    hangUp(node);
    awaitLine(node, "reloaded: routes=1");
    assertEquals(401, get(node.port(), "/ping", null), "the new policy decides the next request: a credential is needed");
    stop(node, "TERM", false);
  }

  static String pingPolicy(String action) {
    return "version: 1\n"
        + "routes:\n"
        + "  - id: ping\n"
        + "    methods: [GET]\n"
        + "    path: /ping\n"
        + "    action: " + action + "\n";
  }

  void hangUp(Running node) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-s", "HUP", Long.toString(node.process().pid())).start().waitFor());
  }

  /** The first line of the node's output after the lines already matched that contains {@code text}. */
  String awaitLine(Running node, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (String line : node.output()) {
        if (line.contains(text) && seen.add(line)) {
          return line;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no line with '" + text + "'; output:\n" + String.join("\n", node.output()));
  }

  final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

  Running start(String... extra) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    long started = System.nanoTime();
    List<String> command = new java.util.ArrayList<>(List.of("setsid", java, "-jar",
        Path.of("target", "gatehouse.jar").toString(), "serve",
        "--data-dir", dataDir.toString(), "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
        "--upstream", upstream.url()));
    command.addAll(List.of(extra));
    // Its own session and process group, like a program started from a terminal.
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .start();
    processes.add(process);
    List<String> output = new CopyOnWriteArrayList<>();
    BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread drain = new Thread(() -> reader.lines().forEach(output::add));
    drain.setDaemon(true);
    drain.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && process.isAlive()) {
      for (String line : output) {
        Matcher m = READY.matcher(line);
        if (line.startsWith("gatehouse ready") && m.find()) {
          return new Running(process, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
              Duration.ofNanos(System.nanoTime() - started), output);
        }
      }
      Thread.sleep(20);
    }
    process.destroyForcibly();
    throw new AssertionError("not ready; output:\n" + String.join("\n", output));
  }

  /** Sends the signal to the process, or to its whole process group as ctrl-C in a terminal does. */
  void stop(Running running, String signal, boolean wholeGroup) throws Exception {
    List<ProcessHandle> postgres = usingDataDir();
    assertFalse(postgres.isEmpty(), "the embedded PostgreSQL runs on the data directory");
    String target = (wholeGroup ? "-" : "") + running.process().pid();
    assertEquals(0, new ProcessBuilder("kill", "-s", signal, "--", target).start().waitFor());

    assertTrue(running.process().waitFor(60, TimeUnit.SECONDS), "stopped within a minute");
    assertEquals(0, running.process().exitValue(), String.join("\n", running.output()));
    for (ProcessHandle p : postgres) {
      p.onExit().get(10, TimeUnit.SECONDS);
    }
    assertEquals(List.of(), usingDataDir(), "no process left behind");
  }

  List<ProcessHandle> usingDataDir() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(args -> String.join(" ", args).contains(dataDir.toString())).orElse(false))
        .filter(ProcessHandle::isAlive)
        .toList();
  }

  int get(int port, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  JsonObject status(int adminPort, String token) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/admin/v1/status"))
        .header("Authorization", "Bearer " + token).build();
    return new JsonObject(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
  }
}
