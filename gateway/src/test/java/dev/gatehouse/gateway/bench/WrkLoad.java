package dev.gatehouse.gateway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Load from {@code wrk} (Debian package {@code wrk}): {@code connections} connections over
 * {@value #THREADS} threads, the same headers as {@link LoadGenerator} (a Lua script rotates the
 * bearer tokens and {@code X-Forwarded-For} addresses; the token list must be a multiple of
 * {@value #THREADS} long, so that the threads share no token). The script is written under the
 * benchmark's work directory, readable by the owner only, and deleted after the round.
 */
final class WrkLoad implements LoadDriver {

  static final int THREADS = 2;
  /** A round may overrun its duration by this much before wrk is stopped. */
  static final Duration OVERRUN_LIMIT = Duration.ofSeconds(30);
  private static final String RESULT_PREFIX = "GATEHOUSE-WRK ";

  private final Path workDir;
  private final int connections;

  WrkLoad(Path workDir, int connections) {
    this.workDir = workDir;
    this.connections = connections;
  }

  /** Whether {@code wrk} can be started. */
  static boolean available() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public boolean paces() {
    return true;
  }

  @Override
  public String description() {
    return connections + " connections, " + THREADS + " threads, wrk (one request in flight per connection)";
  }

  @Override
  public RoundResult run(LoadTarget target, Duration duration) throws Exception {
    Path script = Files.createTempFile(workDir, "wrk", ".lua",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(script, script(target), StandardCharsets.UTF_8);
      Process wrk = new ProcessBuilder("wrk", "-t" + THREADS, "-c" + connections, "-d" + duration.toSeconds() + "s",
          "--timeout", "10s", "-s", script.toString(), "http://127.0.0.1:" + target.port() + target.path())
          .redirectErrorStream(true).start();
      if (!wrk.waitFor(duration.plus(OVERRUN_LIMIT).toMillis(), TimeUnit.MILLISECONDS)) {
        wrk.destroyForcibly();
        throw new IllegalStateException("wrk did not finish");
      }
      String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return parse(output);
    } finally {
      Files.deleteIfExists(script);
    }
  }

  private static RoundResult parse(String output) {
    for (String line : output.split("\n")) {
      if (line.startsWith(RESULT_PREFIX)) {
        String[] f = line.substring(RESULT_PREFIX.length()).trim().split(" ");
        long requests = Long.parseLong(f[0]);
        double seconds = Long.parseLong(f[1]) / 1e6;
        long statusErrors = Long.parseLong(f[4]);
        long socketErrors = Long.parseLong(f[5]);
        return new RoundResult(requests - statusErrors, seconds, Long.parseLong(f[2]) / 1e3, Long.parseLong(f[3]) / 1e3,
            Map.of(), statusErrors + socketErrors == 0 ? Map.of()
                : Map.of("wrk status >= 400", statusErrors, "wrk socket errors", socketErrors));
      }
    }
    throw new IllegalStateException("wrk printed no result");
  }

  private static String script(LoadTarget target) {
    StringBuilder lua = new StringBuilder("local auth = {\n");
    for (String token : target.bearerTokens()) {
      lua.append("  \"Bearer ").append(token).append("\",\n");
    }
    lua.append("""
        }
        local addresses = {}
        for i = 0, %d do
          addresses[i + 1] = "10.77." .. math.floor(i / 256) .. "." .. (i %% 256)
        end
        -- Each thread takes every %d-th token from its own offset, so a token is sent by one
        -- thread only, and comes round again only after all the others.
        local threads = 0
        setup = function(thread)
          thread:set("offset", threads)
          threads = threads + 1
        end
        local n = 0
        request = function()
          n = n + 1
          local i = n * %d + (offset or 0)
          local headers = { ["Accept"] = "application/json", ["X-Forwarded-For"] = addresses[(i %% #addresses) + 1] }
          if #auth > 0 then
            headers["Authorization"] = auth[(i %% #auth) + 1]
          end
          return wrk.format("GET", nil, headers)
        end
        done = function(summary, latency, requests)
          local e = summary.errors
          io.write(string.format("%s%%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
            latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
        end
        """.formatted(LoadGenerator.ADDRESSES - 1, THREADS, THREADS, RESULT_PREFIX));
    if (target.pauseMillis() > 0) {
      // Only then: with a delay function at all, wrk sends every request from a timer.
      lua.append("delay = function()\n  return ").append(target.pauseMillis()).append("\nend\n");
    }
    return lua.toString();
  }

  @Override
  public void close() {}
}
