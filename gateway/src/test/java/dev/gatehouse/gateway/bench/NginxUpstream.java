package dev.gatehouse.gateway.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The runtime stand-in as nginx serving the same JSON body as {@link JsonUpstream} (Debian package
 * {@code nginx}), one worker, outside the benchmark's JVM: the JVM's CPU then is the gateway's
 * alone. Configuration, logs and temporary files stay under the benchmark's work directory.
 */
final class NginxUpstream implements Upstream {

  private static final Duration START_LIMIT = Duration.ofSeconds(15);
  private static final String CONFIG = """
      daemon off;
      master_process on;
      worker_processes 1;
      pid %1$s/nginx.pid;
      error_log %1$s/error.log warn;
      events { worker_connections 1024; }
      http {
        access_log off;
        client_body_temp_path %1$s/body;
        proxy_temp_path %1$s/proxy;
        fastcgi_temp_path %1$s/fastcgi;
        uwsgi_temp_path %1$s/uwsgi;
        scgi_temp_path %1$s/scgi;
        keepalive_requests 1000000;
        server {
          listen 127.0.0.1:%2$d;
          location / {
            default_type application/json;
            return 200 '%3$s';
          }
        }
      }
      """;

  private final Process process;
  private final int port;

  NginxUpstream(Path workDir) throws Exception {
    Path dir = Files.createDirectories(workDir.resolve("nginx")).toAbsolutePath();
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path config = Files.writeString(dir.resolve("nginx.conf"),
        CONFIG.formatted(dir, port, JsonUpstream.BODY.toString()));
    process = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          close();
          throw new IllegalStateException("nginx did not start listening (see nginx/nginx.out)", e);
        }
        Thread.sleep(50);
      }
    }
  }

  /** Whether {@code nginx} can be started. */
  static boolean available() {
    try {
      Process p = new ProcessBuilder("nginx", "-v").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String description() {
    return "nginx, one worker, static JSON";
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
