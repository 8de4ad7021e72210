package dev.gatehouse.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.gateway.Main;
import dev.gatehouse.gateway.testsupport.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gatehouse serve} refuses bad configuration with exit status 2 and one line naming the key. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeCommandIT {

  @TempDir
  Path dir;

  StringWriter err = new StringWriter();

  int serve(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    return cli.execute(all);
  }

  @Test
  void a_bad_config_file_exits_2_naming_the_key() throws Exception {
    Path config = Files.writeString(dir.resolve("bad.yaml"), "upstream:\n  url: not-a-url\n");

    int status = serve("--config", config.toString(), "--data-dir", dir.resolve("data").toString());

    assertEquals(2, status);
    String out = err.toString().trim();
    assertEquals(1, out.lines().count(), out);
    assertTrue(out.startsWith("gatehouse: invalid configuration: upstream.url: "), out);
  }

  @Test
  void an_unknown_key_exits_2() throws Exception {
    Path config = Files.writeString(dir.resolve("bad.yaml"), "server:\n  lsiten: 127.0.0.1:1\n");

    assertEquals(2, serve("--config", config.toString()));
    assertTrue(err.toString().contains("server.lsiten: unknown key"), err.toString());
  }

  @Test
  void an_invalid_flag_exits_2() {
    assertEquals(2, serve("--upstream", "http://", "--data-dir", dir.resolve("data").toString()));
    assertTrue(err.toString().contains("upstream.url: "), err.toString());
  }

  @Test
  void a_busy_port_exits_2_naming_the_listener() throws Exception {
    try (TestDatabase database = new TestDatabase();
        ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path config = Files.writeString(dir.resolve("gatehouse.yaml"), "database:\n  url: " + database.url() + "\n");

      int status = serve("--config", config.toString(), "--data-dir", dir.resolve("data").toString(),
          "--listen", "127.0.0.1:" + busy.getLocalPort(), "--admin-listen", "127.0.0.1:0");

      assertEquals(2, status, err.toString());
      assertTrue(err.toString().contains("server.listen: cannot listen on 127.0.0.1:" + busy.getLocalPort()),
          err.toString());
    }
  }

  @Test
  void a_busy_data_directory_exits_2_before_a_managed_runtime_is_started() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path cache = Files.createDirectories(dir.resolve("runtime-cache"));
    Path config = Files.writeString(dir.resolve("gatehouse.yaml"), "runtime:\n  cacheDir: " + cache + "\n");
    try (FileChannel channel = FileChannel.open(data.resolve("gatehouse.lock"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {

      int status = serve("--config", config.toString(), "--data-dir", data.toString(), "--runtime", "eliza");

      assertEquals(2, status, err.toString());
      assertTrue(err.toString().contains("dataDir: is in use by another Gatehouse process"), err.toString());
      assertFalse(Files.exists(data.resolve("runtime")), "no runtime directory was prepared");
      try (Stream<Path> installed = Files.list(cache)) {
        assertEquals(0, installed.count(), "nothing was installed");
      }
    }
  }
}
