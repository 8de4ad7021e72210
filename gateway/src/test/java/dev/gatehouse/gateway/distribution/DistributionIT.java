package dev.gatehouse.gateway.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.Version;
import dev.gatehouse.gateway.testsupport.TestUpstream;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive {@code mvn package} made (target/gatehouse-VERSION.tar.gz), as an operator
 * uses it: unpacked anywhere, {@code bin/gatehouse serve} runs with nothing but Java on PATH (no
 * Maven, no build), configured by {@code GATEHOUSE_*} alone, answers /healthz, and the admin
 * commands find it through the same variables without any connection option.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DistributionIT {

  static final Pattern READY = Pattern.compile("gatehouse ready: main http://127\\.0\\.0\\.1:(\\d+) ");

  @TempDir
  Path temp;

  Process serve;

  @AfterEach
  void stopLeftovers() throws Exception {
    if (serve != null && serve.isAlive()) {
      serve.destroy();
      serve.waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void theUnpackedArchiveServesWithOnlyJavaOnThePathAndItsCliFindsTheNodeThroughTheEnvironment() throws Exception {
    Path archive = Path.of("target", "gatehouse-" + Version.current() + ".tar.gz");
    assertTrue(Files.isRegularFile(archive), "mvn package made " + archive);
    Path install = Files.createDirectories(temp.resolve("opt"));
    assertEquals(0, new ProcessBuilder("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", install.toString())
        .inheritIO().start().waitFor());
    Path home = install.resolve("gatehouse-" + Version.current());
    for (String file : List.of("bin/gatehouse", "lib/gatehouse.jar", "etc/gatehouse.yaml",
        "systemd/gatehouse.service", "README.md", "SECURITY.md")) {
      assertTrue(Files.isRegularFile(home.resolve(file)), "the archive holds " + file);
    }
    assertTrue(Files.isExecutable(home.resolve("bin/gatehouse")));
    assertEquals(Files.readString(ReleaseFilesTest.DIST.resolve("systemd/gatehouse.service")),
        Files.readString(home.resolve("systemd/gatehouse.service")));

    Map<String, String> env = environment(onlyJava(), freePort());
    try (TestUpstream upstream = new TestUpstream()) {
      env.put("GATEHOUSE_UPSTREAM_URL", upstream.url());
      List<String> output = new CopyOnWriteArrayList<>();
      serve = start(home, env, output, "serve");
      int port = awaitReady(output);

      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health.body());

      Run created = run(home, env, "workspace", "create", "from-the-archive", "--json");
      assertEquals(0, created.exit(), created.err());
      String id = new JsonObject(created.output()).getString("id");
      Run listed = run(home, env, "workspace", "list");
      assertEquals(0, listed.exit(), listed.err());
      assertTrue(listed.output().lines().anyMatch(l -> l.startsWith(id) && l.contains("from-the-archive")),
          listed.output());

      new ProcessBuilder("kill", "-TERM", Long.toString(serve.pid())).start().waitFor();
      assertTrue(serve.waitFor(90, TimeUnit.SECONDS), "stopped");
      assertEquals(0, serve.exitValue(), String.join("\n", output));
    }
  }

  /**
   * A directory holding {@code java} and a few base tools, no Maven: what the launcher calls
   * (readlink, dirname) and what the embedded PostgreSQL's starter calls (sh and the tools of its
   * distribution probe; unshare and id, with which it runs PostgreSQL in a user namespace when the
   * test runs as root).
   */
  Path onlyJava() throws IOException {
    Path bin = Files.createDirectories(temp.resolve("path"));
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    Files.createSymbolicLink(bin.resolve("java"), java);
    for (String tool : List.of("readlink", "dirname", "sh", "unshare", "id", "cat", "grep", "sed", "head", "tr", "uname")) {
      Path system = Path.of("/usr/bin", tool);
      if (Files.isExecutable(system)) {
        Files.createSymbolicLink(bin.resolve(tool), system);
      }
    }
    assertFalse(Files.exists(bin.resolve("mvn")));
    return bin;
  }

  Map<String, String> environment(Path path, int adminPort) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", path.toString());
    env.put("HOME", temp.toString());
    env.put("LANG", "C.UTF-8");
    env.put("GATEHOUSE_DATA_DIR", temp.resolve("data").toString());
    env.put("GATEHOUSE_SERVER_LISTEN", "127.0.0.1:0");
    env.put("GATEHOUSE_ADMIN_LISTEN", "127.0.0.1:" + adminPort);
    env.put("GATEHOUSE_JAVA_OPTS", "-Djava.io.tmpdir=" + temp);
    return env;
  }

  Process start(Path home, Map<String, String> env, List<String> output, String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin/gatehouse").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(temp.toFile()).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread drain = new Thread(() -> reader.lines().forEach(output::add));
    drain.setDaemon(true);
    drain.start();
    return process;
  }

  int awaitReady(List<String> output) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
    while (System.nanoTime() < deadline && serve.isAlive()) {
      for (String line : output) {
        Matcher m = READY.matcher(line);
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not ready; output:\n" + String.join("\n", output));
  }

  record Run(int exit, String output, String err) {}

  /** Runs the launcher with {@code args} to its end: exit code, standard output and error. */
  Run run(Path home, Map<String, String> env, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin/gatehouse").toString()));
    command.addAll(List.of(args));
    Path err = Files.createTempFile(temp, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(temp.toFile())
        .redirectError(err.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    return new Run(process.exitValue(), out, Files.readString(err));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
