package dev.gatehouse.gateway.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code node} and {@code npm} executables found on {@code PATH}. Blocking: call off the
 * event loop.
 */
final class NodeTools {

  /** Oldest Node.js major version @elizaos/server 1.7.2 runs on without bun. */
  static final int MIN_NODE_MAJOR = 20;
  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);

  private NodeTools() {}

  /**
   * Checks that {@code node} (at least {@value #MIN_NODE_MAJOR}) and {@code npm} run.
   *
   * @throws RuntimeStartException naming the missing or too old tool
   */
  static void requireNodeAndNpm(Map<String, String> environment) {
    String node = version("node", environment);
    int major = parseMajor(node);
    if (major < MIN_NODE_MAJOR) {
      throw new RuntimeStartException("the managed elizaOS runtime needs Node.js " + MIN_NODE_MAJOR
          + " or newer; `node --version` printed " + node);
    }
    version("npm", environment);
  }

  static int parseMajor(String version) {
    String v = version.startsWith("v") ? version.substring(1) : version;
    int dot = v.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String version(String tool, Map<String, String> environment) {
    ProcessBuilder builder = new ProcessBuilder(tool, "--version").redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(environment);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(VERSION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new RuntimeStartException("`" + tool + " --version` failed; the managed elizaOS runtime needs "
            + "Node.js " + MIN_NODE_MAJOR + "+ with npm on PATH");
      }
      return out;
    } catch (IOException e) {
      throw new RuntimeStartException("`" + tool + "` was not found on PATH; the managed elizaOS runtime needs "
          + "Node.js " + MIN_NODE_MAJOR + "+ with npm (https://nodejs.org)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeStartException("interrupted while checking " + tool, e);
    }
  }
}
