package dev.gatehouse.gateway.testsupport;

import dev.gatehouse.gateway.server.Gateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The runtime processes a test's gateway started, found the way an operator would: with ps. */
public final class RuntimeProcesses {

  private RuntimeProcesses() {}

  /** The node process of {@code workspace}'s runtime under a gateway's data directory, if one runs. */
  public static Optional<ProcessHandle> of(Path gatewayDataDir, String workspace) {
    String data = gatewayDataDir.resolve(Gateway.RUNTIMES_DIR).resolve(workspace).toAbsolutePath().toString();
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains("node") && c.contains(data + "/db")).orElse(false))
        .findFirst();
  }

  /** The environment the process was started with, as the kernel recorded it. */
  public static Map<String, String> environmentOf(long pid) {
    Map<String, String> env = new HashMap<>();
    String raw;
    try {
      raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String entry : raw.split("\0")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env;
  }
}
